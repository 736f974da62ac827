//! One alternative: the course object (option, strength, risk, evidence) and
//! the design parameters the models need, with move / duplicate / remove.
//! Fields are bound by index (`alternatives[i]…`), so reordering moves the
//! values, and undo can restore any snapshot of the review.

use leptos::prelude::*;
use scalewise_core::limits;
use scalewise_core::review::{
    CachePolicy, CacheTier, CheckpointInterval, Design, InvalidationPolicy, Partitioning,
    PolicyMode, StateCost,
};

use crate::bind::{self, to_u32, to_u64, Binding};
use crate::components::assumption_fields::AssumptionFields;
use crate::components::number_field::NumberField;
use crate::components::select_field::SelectField;
use crate::components::text_field::TextField;
use crate::format::Unit;
use crate::state::Workbench;

fn partitioning_name(d: &Design) -> String {
    match d.partitioning {
        Partitioning::ByDomain => "by_domain",
        Partitioning::ByHash => "by_hash",
        Partitioning::SaltedHotKeys { .. } => "salted_hot_keys",
    }
    .to_string()
}

fn set_partitioning(d: &mut Design, v: &str) {
    d.partitioning = match v {
        "by_hash" => Partitioning::ByHash,
        "salted_hot_keys" => match d.partitioning {
            keep @ Partitioning::SaltedHotKeys { .. } => keep,
            _ => Partitioning::SaltedHotKeys { salt_buckets: 8 },
        },
        _ => Partitioning::ByDomain,
    };
}

fn checkpoint_name(d: &Design) -> String {
    match d.checkpoint {
        CheckpointInterval::Never => "never",
        CheckpointInterval::Auto => "auto",
        CheckpointInterval::Every { .. } => "every",
    }
    .to_string()
}

fn set_checkpoint(d: &mut Design, v: &str) {
    d.checkpoint = match v {
        "never" => CheckpointInterval::Never,
        "every" => match d.checkpoint {
            keep @ CheckpointInterval::Every { .. } => keep,
            _ => CheckpointInterval::Every { interval_s: 600.0 },
        },
        _ => CheckpointInterval::Auto,
    };
}

#[component]
pub fn AlternativeCard(index: usize, count: Memo<usize>) -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let i = index;
    let name = Memo::new(move |_| {
        bench
            .review
            .with(|r| r.alternatives.get(i).map(|a| a.option.clone()))
            .unwrap_or_default()
    });
    let design = move |f: fn(&Design) -> bool| {
        bench
            .review
            .with(|r| r.alternatives.get(i).is_some_and(|a| f(&a.design)))
    };
    let salted = Memo::new(move |_| {
        design(|d| matches!(d.partitioning, Partitioning::SaltedHotKeys { .. }))
    });
    let warm = Memo::new(move |_| design(|d| d.warm_cache.is_some()));
    let every =
        Memo::new(move |_| design(|d| matches!(d.checkpoint, CheckpointInterval::Every { .. })));
    let heading_id = format!("alternative-{i}-heading");
    let labelled_by = heading_id.clone();
    let text = |field: &'static str,
                get: fn(&scalewise_core::review::Alternative) -> &String,
                set: fn(&mut scalewise_core::review::Alternative) -> &mut String| {
        bind::alternative_text(i, field, get, set)
    };
    let num = |field: &'static str, get: fn(&Design) -> f64, set: fn(&mut Design, f64)| {
        bind::design(i, field, get, set)
    };
    let choice = |field: &'static str, get: fn(&Design) -> String, set: fn(&mut Design, &str)| {
        bind::design_choice(i, field, get, set)
    };
    let salt_buckets = Binding::new(
        format!("alternatives[{i}].design.partitioning.salted_hot_keys.salt_buckets"),
        move |r| {
            r.alternatives
                .get(i)
                .and_then(|a| match a.design.partitioning {
                    Partitioning::SaltedHotKeys { salt_buckets } => Some(f64::from(salt_buckets)),
                    _ => None,
                })
        },
        move |r, v| {
            if let Some(a) = r.alternatives.get_mut(i) {
                a.design.partitioning = Partitioning::SaltedHotKeys {
                    salt_buckets: to_u32(v),
                };
            }
        },
    );
    let warm_capacity = Binding::new(
        format!("alternatives[{i}].design.warm_cache.capacity_keys"),
        move |r| {
            r.alternatives
                .get(i)
                .and_then(|a| a.design.warm_cache.map(|w| w.capacity_keys as f64))
        },
        move |r, v| {
            if let Some(a) = r.alternatives.get_mut(i) {
                a.design.warm_cache = Some(CacheTier {
                    capacity_keys: to_u64(v),
                    policy: CachePolicy::Lru,
                });
            }
        },
    );
    let interval = Binding::new(
        format!("alternatives[{i}].design.checkpoint"),
        move |r| {
            r.alternatives
                .get(i)
                .and_then(|a| match a.design.checkpoint {
                    CheckpointInterval::Every { interval_s } => Some(interval_s),
                    _ => None,
                })
        },
        move |r, v| {
            if let Some(a) = r.alternatives.get_mut(i) {
                a.design.checkpoint = CheckpointInterval::Every { interval_s: v };
            }
        },
    );
    let first = i == 0;
    let last = move || i + 1 >= count.get();
    let at_minimum = move || count.get() <= limits::MIN_ALTERNATIVES;
    view! {
        <article class="panel alternative" data-testid=format!("alternative-{i}") aria-labelledby=labelled_by>
            <header class="alternative-header">
                <span class="alt-number" aria-hidden="true">{format!("Alternative {}", i + 1)}</span>
                <div class="alt-actions" role="group" aria-label=move || format!("Actions for {}", name.get())>
                    <button class="icon" disabled=first aria-label=move || format!("Move {} earlier", name.get())
                        title="Move earlier" on:click=move |_| bench.move_alternative(i, false)>"←"</button>
                    <button class="icon" disabled=last aria-label=move || format!("Move {} later", name.get())
                        title="Move later" on:click=move |_| bench.move_alternative(i, true)>"→"</button>
                    <button disabled={move || count.get() >= limits::MAX_ALTERNATIVES}
                        on:click=move |_| bench.duplicate_alternative(i)>"Duplicate"</button>
                    <button disabled=at_minimum
                        title=move || if at_minimum() { "A review compares at least two alternatives." } else { "" }
                        on:click=move |_| bench.remove_alternative(i)>"Remove"</button>
                </div>
                <h3 id=heading_id>
                    <span class="visually-hidden">{format!("Alternative {}: ", i + 1)}</span>
                    <span class="alt-name">{move || name.get()}</span>
                </h3>
            </header>
            <fieldset>
                <legend>"The course's alternative object"</legend>
                <TextField label="Option" binding=text("option", |a| &a.option, |a| &mut a.option)
                    hint="Short unique identifier, e.g. partitioned_cached_cluster." />
                <TextField label="Strength" rows=3 binding=text("strength", |a| &a.strength, |a| &mut a.strength) />
                <TextField label="Risk" rows=3 binding=text("risk", |a| &a.risk, |a| &mut a.risk) />
                <TextField label="Evidence" rows=3 binding=text("evidence", |a| &a.evidence, |a| &mut a.evidence) />
            </fieldset>
            <fieldset>
                <legend>"Compute"</legend>
                <div class="grid fields">
                    <NumberField label="Nodes" integer=true unit="nodes"
                        binding=num("nodes", |d| f64::from(d.nodes), |d, v| d.nodes = to_u32(v)) />
                    <NumberField label="Cores per node" integer=true unit="cores"
                        binding=num("cores_per_node", |d| f64::from(d.cores_per_node), |d, v| d.cores_per_node = to_u32(v)) />
                    <NumberField label="Memory per node" unit="GiB"
                        binding=num("memory_per_node_gib", |d| d.memory_per_node_gib, |d, v| d.memory_per_node_gib = v) />
                    <NumberField label="Network per node" unit="Gbit/s"
                        binding=num("network_gbit_per_s", |d| d.network_gbit_per_s, |d, v| d.network_gbit_per_s = v) />
                    <NumberField label="Regions" integer=true unit="regions"
                        binding=num("regions", |d| f64::from(d.regions), |d, v| d.regions = to_u32(v)) />
                </div>
            </fieldset>
            <fieldset>
                <legend>"Partitioning and caching"</legend>
                <div class="grid fields">
                    <SelectField label="Partitioning" binding=choice("partitioning", partitioning_name, set_partitioning)
                        options=vec![("by_domain", "by domain"), ("by_hash", "by hash of dataset"), ("salted_hot_keys", "salted hot keys")] />
                    {move || salted.get().then(|| view! {
                        <NumberField label="Salt buckets" integer=true unit="buckets" binding=salt_buckets.clone()
                            hint="Sub-keys each hot domain is spread over." />
                    })}
                    <NumberField label="Hot cache" integer=true unit="keys" echo=Some(Unit::Count)
                        binding=num("hot_cache.capacity_keys", |d| d.hot_cache.capacity_keys as f64, |d, v| d.hot_cache.capacity_keys = to_u64(v)) />
                    <SelectField label="Warm cache tier" binding=choice("warm_cache",
                            |d| if d.warm_cache.is_some() { "lru".into() } else { "none".into() },
                            |d, v| d.warm_cache = (v == "lru").then_some(d.warm_cache.unwrap_or(CacheTier { capacity_keys: 500_000, policy: CachePolicy::Lru })))
                        options=vec![("none", "none"), ("lru", "LRU")] />
                    {move || warm.get().then(|| view! {
                        <NumberField label="Warm cache" integer=true unit="keys" echo=Some(Unit::Count) binding=warm_capacity.clone() />
                    })}
                    <SelectField label="Cache invalidation" hint="Versioned: a schema change invalidates entries." binding=choice("invalidation",
                            |d| match d.invalidation { InvalidationPolicy::Versioned => "versioned".into(), InvalidationPolicy::None => "none".into() },
                            |d, v| d.invalidation = if v == "none" { InvalidationPolicy::None } else { InvalidationPolicy::Versioned })
                        options=vec![("versioned", "versioned"), ("none", "none (stale reads)")] />
                </div>
            </fieldset>
            <AssumptionFields index=i />
            <fieldset>
                <legend>"Resilience"</legend>
                <div class="grid fields">
                    <SelectField label="Checkpoints" binding=choice("checkpoint_mode", checkpoint_name, set_checkpoint)
                        options=vec![("never", "never"), ("auto", "auto (Young/Daly)"), ("every", "fixed interval")] />
                    {move || every.get().then(|| view! {
                        <NumberField label="Checkpoint interval" unit="s" echo=Some(Unit::Seconds) binding=interval.clone() />
                    })}
                    <NumberField label="Checkpoint cost" unit="s" echo=Some(Unit::Seconds)
                        hint="0 until stated: derived from the state the pipeline holds."
                        binding=num("checkpoint_cost_s", |d| d.checkpoint_cost_s.fixed().unwrap_or(0.0), |d, v| d.checkpoint_cost_s = StateCost::Fixed { seconds: v }) />
                    <NumberField label="Restart cost" unit="s" echo=Some(Unit::Seconds)
                        hint="0 until stated: detection, provisioning and reloading the state."
                        binding=num("restart_cost_s", |d| d.restart_cost_s.fixed().unwrap_or(0.0), |d, v| d.restart_cost_s = StateCost::Fixed { seconds: v }) />
                    <NumberField label="Node MTBF" unit="h"
                        binding=num("node_mtbf_h", |d| d.node_mtbf_h, |d, v| d.node_mtbf_h = v)
                        hint="Mean time between failures of one node." />
                </div>
            </fieldset>
            <fieldset>
                <legend>"Cost and access policy"</legend>
                <div class="grid fields">
                    <NumberField label="Price per node-hour" unit="$/h" echo=Some(Unit::Usd)
                        binding=num("price_per_node_hour_usd", |d| d.price_per_node_hour_usd, |d, v| d.price_per_node_hour_usd = v) />
                    <NumberField label="Egress price" unit="$/GB"
                        binding=num("egress_usd_per_gb", |d| d.egress_usd_per_gb, |d, v| d.egress_usd_per_gb = v) />
                    <SelectField label="Policy combining" binding=choice("policy_mode",
                            |d| match d.policy_mode { PolicyMode::DenyOverrides => "deny_overrides".into(), PolicyMode::AllowOverrides => "allow_overrides".into() },
                            |d, v| d.policy_mode = if v == "allow_overrides" { PolicyMode::AllowOverrides } else { PolicyMode::DenyOverrides })
                        options=vec![("deny_overrides", "deny overrides"), ("allow_overrides", "allow overrides")] />
                </div>
            </fieldset>
        </article>
    }
}
