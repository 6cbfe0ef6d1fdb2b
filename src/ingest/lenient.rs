//! Lenient deserialization of OCDS values.
//!
//! Real publishers type the same field differently (ids as numbers or strings, amounts as
//! numbers or numeric strings, an object where an array belongs). These functions accept every
//! such shape. A value of an unusable shape (an object where text belongs, say) becomes
//! [`Field::Absent`] instead of rejecting the whole release, so one odd field never loses a
//! contracting process.

use std::fmt;
use std::marker::PhantomData;

use compact_str::ToCompactString;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::limits::array_bound_error;

/// A text of the release model: up to 24 bytes (codes, most identifiers) it is held inline,
/// with no allocation of its own.
pub type Text = compact_str::CompactString;

/// A field as a release states it: absent, explicitly `null`, or set.
///
/// The OCDS merge rules treat the three differently: an absent field keeps the earlier value,
/// `null` removes it, and a set value replaces (or, for objects, merges into) it.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Field<T> {
    /// The release does not mention the field (or gives it an unusable shape).
    #[default]
    Absent,
    /// The release sets the field to `null`.
    Null,
    /// The release sets the field.
    Set(T),
}

impl<T> Field<T> {
    /// The value, if set.
    pub fn get(&self) -> Option<&T> {
        match self {
            Field::Set(value) => Some(value),
            _ => None,
        }
    }

    /// A mutable reference to the value, if set.
    pub fn get_mut(&mut self) -> Option<&mut T> {
        match self {
            Field::Set(value) => Some(value),
            _ => None,
        }
    }

    /// Whether the field holds a value.
    pub fn is_set(&self) -> bool {
        matches!(self, Field::Set(_))
    }

    /// Takes the value out, leaving the field absent.
    pub fn take(&mut self) -> Option<T> {
        match std::mem::take(self) {
            Field::Set(value) => Some(value),
            _ => None,
        }
    }
}

/// A field writes as its value, or `null` when it has none.
impl<T: serde::Serialize> serde::Serialize for Field<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Set(value) => value.serialize(serializer),
            Field::Absent | Field::Null => serializer.serialize_none(),
        }
    }
}

impl<T> From<Option<T>> for Field<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Field::Absent, Field::Set)
    }
}

impl Field<Text> {
    /// The text, if set.
    pub fn str(&self) -> Option<&str> {
        self.get().map(Text::as_str)
    }
}

impl<T> Field<Vec<T>> {
    /// The list's elements, or an empty slice.
    pub fn items(&self) -> &[T] {
        self.get().map_or(&[], Vec::as_slice)
    }
}

/// Visitor methods for the scalars that are no use where an object or array belongs.
macro_rules! unusable_scalars {
    () => {
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(Field::Absent)
        }
        unusable_numbers!();
    };
}

/// Visitor methods for numbers and booleans that are no use where they are found.
macro_rules! unusable_numbers {
    () => {
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(Field::Absent)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(Field::Absent)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Field::Absent)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Field::Absent)
        }
    };
}

/// Visitor methods that read JSON `null` as an explicit null.
macro_rules! null_is_null {
    () => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Field::Null)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Field::Null)
        }
    };
}

/// Drains whatever value comes next and reports it as unusable.
fn skip<'de, A: MapAccess<'de>, T>(mut map: A) -> Result<Field<T>, A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(Field::Absent)
}

fn skip_seq<'de, A: SeqAccess<'de>, T>(mut seq: A) -> Result<Field<T>, A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(Field::Absent)
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Field<Text>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text or a number")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let trimmed = v.trim();
        Ok(if trimmed.is_empty() {
            Field::Null
        } else {
            Field::Set(Text::from(trimmed))
        })
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        if v.trim().len() == v.len() && !v.is_empty() {
            Ok(Field::Set(Text::from(v)))
        } else {
            self.visit_str(&v)
        }
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Field::Set(v.to_compact_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Field::Set(v.to_compact_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Field::Set(Text::from(v.to_string())))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Field::Set(v.to_compact_string()))
    }
    null_is_null!();
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        skip(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        skip_seq(seq)
    }
}

/// Text: a string (trimmed; empty means null), or a number or boolean written as text.
pub fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Field<Text>, D::Error> {
    deserializer.deserialize_any(TextVisitor)
}

struct StringVisitor;

impl<'de> Visitor<'de> for StringVisitor {
    type Value = Field<Text>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        TextVisitor.visit_str(v)
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        TextVisitor.visit_string(v)
    }
    null_is_null!();
    unusable_numbers!();
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        skip(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        skip_seq(seq)
    }
}

/// Text that must be a JSON string (trimmed; empty means null): a number or any other shape is
/// unusable. For identifiers such as `ocid` that the standard requires to be strings.
pub fn string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Field<Text>, D::Error> {
    deserializer.deserialize_any(StringVisitor)
}

struct NumberVisitor;

/// Parses a numeric string such as `"1500.50"` or `" 2e3 "`; anything else is unusable.
pub fn parse_number(text: &str) -> Option<f64> {
    let value: f64 = text.trim().parse().ok()?;
    value.is_finite().then_some(value)
}

impl<'de> Visitor<'de> for NumberVisitor {
    type Value = Field<f64>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number or a numeric string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.trim().is_empty() {
            return Ok(Field::Null);
        }
        Ok(parse_number(v).into())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Field::Set(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Field::Set(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(if v.is_finite() {
            Field::Set(v)
        } else {
            Field::Absent
        })
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Field::Absent)
    }
    null_is_null!();
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        skip(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        skip_seq(seq)
    }
}

/// A number: a JSON number or a numeric string.
pub fn number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Field<f64>, D::Error> {
    deserializer.deserialize_any(NumberVisitor)
}

/// A whole number: an integer, a float with no fraction, or a string holding one.
pub fn integer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Field<i64>, D::Error> {
    Ok(match number(deserializer)? {
        Field::Set(value) if value.fract() == 0.0 && value.abs() < 9.0e15 => {
            Field::Set(value as i64)
        }
        Field::Set(_) | Field::Absent => Field::Absent,
        Field::Null => Field::Null,
    })
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = Field<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Field::Set)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // A one-element array where an object belongs: take its first object.
        let mut found = Field::Absent;
        while let Some(element) = seq.next_element_seed(ObjectSeed::<T>(PhantomData))? {
            if !found.is_set() {
                found = element;
            }
        }
        Ok(found)
    }
    null_is_null!();
    unusable_scalars!();
}

struct ObjectSeed<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> de::DeserializeSeed<'de> for ObjectSeed<T> {
    type Value = Field<T>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(ObjectVisitor(PhantomData))
    }
}

/// An object; an array in its place gives its first object; any other shape is unusable.
pub fn object<'de, D, T>(deserializer: D) -> Result<Field<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    deserializer.deserialize_any(ObjectVisitor(PhantomData))
}

struct ListVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
    type Value = Field<Vec<T>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of objects")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        let mut seen = 0;
        while let Some(element) = seq.next_element_seed(ObjectSeed::<T>(PhantomData))? {
            seen += 1;
            if let Some(error) = array_bound_error(seen) {
                return Err(error);
            }
            if let Field::Set(element) = element {
                list.push(element);
            }
        }
        Ok(Field::Set(list))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        // An object where an array belongs is a one-element array.
        T::deserialize(MapAccessDeserializer::new(map)).map(|one| Field::Set(vec![one]))
    }
    null_is_null!();
    unusable_scalars!();
}

/// An array of objects; an object alone is a one-element array; elements that are not
/// objects are skipped.
pub fn list<'de, D, T>(deserializer: D) -> Result<Field<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    deserializer.deserialize_any(ListVisitor(PhantomData))
}

struct CodesVisitor;

impl<'de> Visitor<'de> for CodesVisitor {
    type Value = Field<Vec<Text>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of codes")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut codes = Vec::new();
        let mut seen = 0;
        while let Some(code) = seq.next_element_seed(TextSeed)? {
            seen += 1;
            if let Some(error) = array_bound_error(seen) {
                return Err(error);
            }
            if let Field::Set(code) = code {
                codes.push(code);
            }
        }
        Ok(Field::Set(codes))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(TextVisitor
            .visit_str(v)?
            .get()
            .map(|code| vec![code.clone()])
            .into())
    }
    null_is_null!();
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        skip(map)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Field::Set(vec![v.to_compact_string()]))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Field::Set(vec![v.to_compact_string()]))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Field::Absent)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Field::Absent)
    }
}

struct TextSeed;

impl<'de> de::DeserializeSeed<'de> for TextSeed {
    type Value = Field<Text>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        text(deserializer)
    }
}

/// A list of codes (roles, tags): an array of strings, or one string.
pub fn codes<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Field<Vec<Text>>, D::Error> {
    deserializer.deserialize_any(CodesVisitor)
}

struct ObjectOrListVisitor<T, Element, F>(F, PhantomData<(T, Element)>);

impl<'de, T, Element, F> Visitor<'de> for ObjectOrListVisitor<T, Element, F>
where
    T: Deserialize<'de>,
    Element: Deserialize<'de>,
    F: FnOnce(Vec<Element>) -> T,
{
    type Value = Field<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object or an array of objects")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        ObjectVisitor::<T>(PhantomData).visit_map(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Ok(match ListVisitor::<Element>(PhantomData).visit_seq(seq)? {
            Field::Set(list) => Field::Set((self.0)(list)),
            _ => Field::Absent,
        })
    }
    null_is_null!();
    unusable_scalars!();
}

/// An object of type `T`, or an array of `E` that `wrap` turns into one (for sections such
/// as `bids` that some publishers write as a bare array).
pub fn object_or_list<'de, D, T, E, F>(deserializer: D, wrap: F) -> Result<Field<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
    E: Deserialize<'de>,
    F: FnOnce(Vec<E>) -> T,
{
    deserializer.deserialize_any(ObjectOrListVisitor(wrap, PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Default, Debug)]
    #[serde(default)]
    struct Probe {
        #[serde(deserialize_with = "text")]
        id: Field<Text>,
        #[serde(deserialize_with = "number")]
        amount: Field<f64>,
        #[serde(deserialize_with = "integer")]
        count: Field<i64>,
        #[serde(deserialize_with = "list")]
        children: Field<Vec<Probe>>,
        #[serde(deserialize_with = "codes")]
        roles: Field<Vec<Text>>,
    }

    fn probe(json: &str) -> Probe {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn ids_as_numbers_or_strings() {
        assert_eq!(probe(r#"{"id": 12}"#).id.str(), Some("12"));
        assert_eq!(probe(r#"{"id": " a-1 "}"#).id.str(), Some("a-1"));
        assert_eq!(probe(r#"{"id": ""}"#).id, Field::Null);
        assert_eq!(probe(r#"{"id": null}"#).id, Field::Null);
        assert_eq!(probe(r#"{}"#).id, Field::Absent);
        assert_eq!(probe(r#"{"id": {"x": 1}}"#).id, Field::Absent);
    }

    #[test]
    fn strings_only_where_the_standard_requires_them() {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Strict {
            #[serde(deserialize_with = "string")]
            ocid: Field<Text>,
        }
        let strict = |json: &str| serde_json::from_str::<Strict>(json).unwrap().ocid;
        assert_eq!(strict(r#"{"ocid": " ocds-1 "}"#).str(), Some("ocds-1"));
        assert_eq!(strict(r#"{"ocid": 12}"#), Field::Absent);
        assert_eq!(strict(r#"{"ocid": ["a"]}"#), Field::Absent);
        assert_eq!(strict(r#"{"ocid": ""}"#), Field::Null);
    }

    #[test]
    fn amounts_as_numbers_or_numeric_strings() {
        assert_eq!(probe(r#"{"amount": 1500.5}"#).amount.get(), Some(&1500.5));
        assert_eq!(
            probe(r#"{"amount": "1500.50"}"#).amount.get(),
            Some(&1500.5)
        );
        assert_eq!(probe(r#"{"amount": "n/a"}"#).amount, Field::Absent);
        assert_eq!(probe(r#"{"count": "3"}"#).count.get(), Some(&3));
        assert_eq!(probe(r#"{"count": 2.5}"#).count, Field::Absent);
    }

    #[test]
    fn an_object_where_an_array_belongs_is_one_element() {
        let one = probe(r#"{"children": {"id": 1}}"#);
        assert_eq!(one.children.items().len(), 1);
        let mixed = probe(r#"{"children": [{"id": 1}, 7, "x", {"id": 2}]}"#);
        assert_eq!(mixed.children.items().len(), 2);
        assert_eq!(probe(r#"{"roles": "buyer"}"#).roles.items(), ["buyer"]);
        assert_eq!(
            probe(r#"{"roles": ["buyer", 3, null]}"#).roles.items(),
            ["buyer", "3"]
        );
    }
}
