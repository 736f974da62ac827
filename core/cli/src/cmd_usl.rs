//! `scalewise usl POINTS.csv`: fits the scaling law the measurements support
//! (USL from 3 worker counts, Amdahl from 2; repeated counts are repeated
//! passes) to `workers,throughput` lines and prints the fit, its quality and
//! its bootstrap band as JSON.

use std::io::Write;
use std::path::PathBuf;

use scalewise_core::limits::MAX_IMPORT_BYTES;

use crate::{print, read_text, Error};

#[derive(Debug, clap::Args)]
pub struct UslArgs {
    /// `workers,throughput` lines: an optional header, `#` comments,
    /// commas (or whitespace) between the fields; at most 10 000 lines.
    #[arg(value_name = "POINTS.csv")]
    pub points: PathBuf,
}

pub fn run(args: &UslArgs, out: &mut dyn Write) -> Result<(), Error> {
    let text = read_text(&args.points, MAX_IMPORT_BYTES)?;
    let json =
        fit_text(&text).map_err(|m| Error::invalid(format!("{}: {m}", args.points.display())))?;
    print(out, &json)
}

/// The JSON for CSV text.
pub fn fit_text(text: &str) -> Result<String, String> {
    use scalewise_core::models;
    let points = models::parse_points_csv(text).map_err(|e| e.to_string())?;
    let outcome =
        models::fit_scaling(&points, &models::BandConfig::new(0)).map_err(|e| e.to_string())?;
    let fit = match outcome {
        models::ScalingFitOutcome::Fitted(fit) => fit,
        models::ScalingFitOutcome::NotFitted(reason) => return Err(reason.to_string()),
    };
    let amdahl = models::fit_amdahl(&points).map_err(|e| e.to_string())?;
    let value = serde_json::json!({
        "law": fit.law,
        "lambda": fit.lambda.0,
        "sigma": fit.sigma,
        "kappa": fit.kappa,
        "r2": fit.r2,
        "rmse_relative": fit.rmse_relative,
        "n_peak": (fit.kappa > 0.0).then(|| ((1.0 - fit.sigma) / fit.kappa).sqrt()),
        "amdahl_serial_fraction": amdahl.serial_fraction,
        "points": fit.passes,
        "lane_counts": fit.lane_counts,
        "band": {
            "coverage": fit.band.coverage,
            "sigma": [fit.band.sigma.0, fit.band.sigma.1],
            "kappa": [fit.band.kappa.0, fit.band.kappa.1],
        },
    });
    Ok(serde_json::to_string_pretty(&value).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(csv: &str) -> serde_json::Value {
        serde_json::from_str(&fit_text(csv).unwrap()).unwrap()
    }

    #[test]
    fn fits_exact_usl_points() {
        let mut csv = String::from("workers,throughput\n");
        for n in [1.0, 2.0, 4.0, 8.0, 16.0, 32.0] {
            let x = 1000.0 * n / (1.0 + 0.05 * (n - 1.0) + 0.002 * n * (n - 1.0));
            csv.push_str(&format!("{n},{x}\n"));
        }
        let v = check(&csv);
        assert!((v["lambda"].as_f64().unwrap() - 1000.0).abs() < 1.0, "{v}");
        assert!((v["sigma"].as_f64().unwrap() - 0.05).abs() < 1e-3, "{v}");
        assert!((v["kappa"].as_f64().unwrap() - 0.002).abs() < 1e-4, "{v}");
        assert!(v["n_peak"].as_f64().unwrap() > 10.0);
        assert!(v["r2"].as_f64().unwrap() > 0.999);
    }

    #[test]
    fn repeated_and_two_worker_counts_fit() {
        let v = check("workers,throughput\n1,1000\n1,1020\n2,1210\n2,1230\n");
        assert_eq!(v["law"], "amdahl");
        let expected = 2.0 / (1220.0 / 1010.0) - 1.0;
        assert!(
            (v["sigma"].as_f64().unwrap() - expected).abs() < 1e-6,
            "{v}"
        );
        assert_eq!(
            (v["points"].as_u64(), v["lane_counts"].as_u64()),
            (Some(4), Some(2))
        );
        let band = v["band"]["sigma"].as_array().unwrap();
        assert!(band[0].as_f64().unwrap() < band[1].as_f64().unwrap());
        let err = fit_text("1,100\n1,110\n").unwrap_err();
        assert!(err.contains("one lane count"), "{err}");
    }

    #[test]
    fn errors_name_the_line_and_the_file() {
        assert!(fit_text("1,100\n2,abc\n").unwrap_err().contains("line 2"));
        let args = UslArgs {
            points: "/nonexistent/points.csv".into(),
        };
        let missing = run(&args, &mut Vec::new()).unwrap_err();
        assert_eq!(missing.failure(), crate::Failure::Io);
        assert!(missing.message().contains("/nonexistent/points.csv"));
    }
}
