//! Serde for fixed-size arrays longer than serde's built-in 32 elements
//! (`#[serde(with = "crate::serde_array")]`), as a sequence of exactly `N`
//! elements: the mergeable tallies cross process boundaries in the
//! distributed runner, and a tally whose histogram has the wrong length must
//! be refused, not silently truncated by a later merge.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeTuple, Serializer};

pub fn serialize<S, T, const N: usize>(array: &[T; N], serializer: S) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    T: Serialize,
{
    let mut tuple = serializer.serialize_tuple(N)?;
    for element in array {
        tuple.serialize_element(element)?;
    }
    tuple.end()
}

pub fn deserialize<'de, D, T, const N: usize>(deserializer: D) -> Result<[T; N], D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Copy + Default,
{
    struct ArrayVisitor<T, const N: usize>(PhantomData<T>);

    impl<'de, T, const N: usize> Visitor<'de> for ArrayVisitor<T, N>
    where
        T: Deserialize<'de> + Copy + Default,
    {
        type Value = [T; N];

        fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
            write!(formatter, "an array of {N} elements")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<[T; N], A::Error> {
            let mut array = [T::default(); N];
            for (i, slot) in array.iter_mut().enumerate() {
                *slot = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(i, &self))?;
            }
            if seq.next_element::<de::IgnoredAny>()?.is_some() {
                return Err(de::Error::invalid_length(N + 1, &self));
            }
            Ok(array)
        }
    }

    deserializer.deserialize_tuple(N, ArrayVisitor::<T, N>(PhantomData))
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Wide {
        #[serde(with = "super")]
        values: [u64; 40],
    }

    #[test]
    fn round_trips_and_refuses_other_lengths() {
        let mut wide = Wide { values: [0; 40] };
        wide.values[39] = 7;
        let json = serde_json::to_string(&wide).unwrap();
        assert_eq!(serde_json::from_str::<Wide>(&json).unwrap(), wide);
        let short = format!("{{\"values\":[{}]}}", vec!["1"; 39].join(","));
        let long = format!("{{\"values\":[{}]}}", vec!["1"; 41].join(","));
        for text in [short, long] {
            let error = serde_json::from_str::<Wide>(&text).unwrap_err().to_string();
            assert!(error.contains("an array of 40 elements"), "{error}");
        }
    }
}
