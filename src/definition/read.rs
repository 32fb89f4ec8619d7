//! Reading a parsed JSON tree into the definition model, collecting every structural problem.
//!
//! Each field read checks its JSON type, reports unknown and duplicate keys (with a "did you
//! mean" hint for near-misses). Diagnostics carry JSON pointers; their spans are found from the
//! pointer at the end, and only when there are diagnostics, so a valid definition is read without
//! any span bookkeeping. Semantic rules (duplicate stage ids and the like) live in `validate`.

use crate::error::{Code, Diagnostic, pointer_push};
use crate::json::{Member, Node, Value};

/// The state of one read: the diagnostics so far, each with the byte range it points at when
/// that is not simply the value at its path (which is looked up at the end, only if needed).
#[derive(Default)]
pub(crate) struct Reader {
    pub(crate) diagnostics: Vec<(Diagnostic, Option<(usize, usize)>)>,
    /// Problems not recorded because [`MAX_DIAGNOSTICS`] were already found.
    pub(crate) dropped: usize,
}

/// Most diagnostics one validation reports; past it, one `limit-exceeded` diagnostic says how
/// many more there were (a hostile definition cannot make validation slow or its output huge).
pub const MAX_DIAGNOSTICS: usize = 100;

/// An object whose keys have been checked against the format.
pub(crate) struct Object<'n> {
    members: &'n [Member],
    pub(crate) path: String,
    start: usize,
    end: usize,
}

impl Reader {
    /// Records an error about the value at `path`, spanning the byte `range` when given, else
    /// the span of the value at `path`.
    pub(crate) fn error(
        &mut self,
        code: Code,
        path: &str,
        range: Option<(usize, usize)>,
        message: impl Into<String>,
    ) {
        self.push(Diagnostic::error(code, path, message), range);
    }

    /// Records a diagnostic of any severity, up to [`MAX_DIAGNOSTICS`].
    pub(crate) fn push(&mut self, diagnostic: Diagnostic, range: Option<(usize, usize)>) {
        if self.diagnostics.len() >= MAX_DIAGNOSTICS {
            self.dropped += 1;
            return;
        }
        self.diagnostics.push((diagnostic, range));
    }

    fn wrong_type(&mut self, path: &str, expected: &str, node: &Node) {
        let found = node.value.type_name();
        self.error(
            Code::InvalidType,
            path,
            Some((node.start, node.end)),
            format!("expected {expected}, found {found}"),
        );
    }

    /// Checks that `node` is an object whose keys are all in `known`, reporting duplicate and
    /// unknown keys. `what` names the object in messages ("a stage").
    pub(crate) fn object<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        what: &str,
        known: &[&str],
    ) -> Option<Object<'n>> {
        let Value::Object(members) = &node.value else {
            self.wrong_type(path, &format!("{what} (an object)"), node);
            return None;
        };
        let mut seen = std::collections::BTreeSet::new();
        for member in members {
            let member_path = pointer_push(path, &member.key);
            let key_range = Some((member.key_start, member.key_end));
            if !seen.insert(member.key.as_str()) {
                self.error(
                    Code::DuplicateKey,
                    &member_path,
                    key_range,
                    format!("key \"{}\" appears more than once", member.key),
                );
            } else if !known.contains(&member.key.as_str()) {
                let hint = match closest(&member.key, known) {
                    Some(near) => format!("; did you mean \"{near}\"?"),
                    None => format!("; {what} has: {}", known.join(", ")),
                };
                self.error(
                    Code::UnknownField,
                    &member_path,
                    key_range,
                    format!("unknown field \"{}\" in {what}{hint}", member.key),
                );
            }
        }
        Some(Object {
            members,
            path: path.to_string(),
            start: node.start,
            end: node.end,
        })
    }

    /// The value of `key` in `obj`: `None` if absent (reported when `required`) or null.
    pub(crate) fn field<'n>(
        &mut self,
        obj: &Object<'n>,
        key: &str,
        required: bool,
    ) -> Option<&'n Node> {
        let found = obj.members.iter().find(|m| m.key == key).map(|m| &m.value);
        // An optional field set to null is absent (JS callers write null for "none").
        let found = found.filter(|node| required || node.value != Value::Null);
        match found {
            Some(node) => Some(node),
            None => {
                if required {
                    // The path names the missing field; the span is the object it belongs in.
                    self.error(
                        Code::MissingField,
                        &pointer_push(&obj.path, key),
                        Some((obj.start, obj.end)),
                        format!("missing required field \"{key}\""),
                    );
                }
                None
            }
        }
    }

    /// A string field; `required` reports its absence. Empty strings are reported as invalid.
    pub(crate) fn string(&mut self, obj: &Object<'_>, key: &str, required: bool) -> Option<String> {
        let node = self.field(obj, key, required)?;
        let path = pointer_push(&obj.path, key);
        match &node.value {
            Value::String(s) if s.trim().is_empty() => {
                self.error(
                    Code::InvalidValue,
                    &path,
                    None,
                    format!("\"{key}\" must not be empty"),
                );
                None
            }
            Value::String(s) => Some(s.clone()),
            _ => {
                self.wrong_type(&path, "a string", node);
                None
            }
        }
    }

    /// An array field: the items with their paths, or `None` (reported) if it is not an array.
    pub(crate) fn array<'n>(
        &mut self,
        obj: &Object<'n>,
        key: &str,
        required: bool,
    ) -> Option<Vec<(String, &'n Node)>> {
        let node = self.field(obj, key, required)?;
        let path = pointer_push(&obj.path, key);
        let Value::Array(items) = &node.value else {
            self.wrong_type(&path, "an array", node);
            return None;
        };
        let items = items
            .iter()
            .enumerate()
            .map(|(i, item)| (pointer_push(&path, &i.to_string()), item))
            .collect();
        Some(items)
    }

    /// A list of strings (absent: empty).
    pub(crate) fn string_list(&mut self, obj: &Object<'_>, key: &str) -> Vec<String> {
        self.array(obj, key, false)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(path, item)| self.string_item(&path, item))
            .collect()
    }

    /// A boolean field.
    pub(crate) fn bool(&mut self, obj: &Object<'_>, key: &str) -> Option<bool> {
        let node = self.field(obj, key, false)?;
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.wrong_type(&pointer_push(&obj.path, key), "true or false", node);
                None
            }
        }
    }

    /// An integer field within `range`.
    pub(crate) fn integer(
        &mut self,
        obj: &Object<'_>,
        key: &str,
        range: std::ops::RangeInclusive<i32>,
    ) -> Option<i32> {
        let node = self.field(obj, key, false)?;
        let path = pointer_push(&obj.path, key);
        let Value::Number(n) = node.value else {
            self.wrong_type(&path, "a whole number", node);
            return None;
        };
        let whole = (n.fract() == 0.0).then_some(n as i64);
        match whole
            .and_then(|w| i32::try_from(w).ok())
            .filter(|w| range.contains(w))
        {
            Some(value) => Some(value),
            None => {
                self.error(
                    Code::InvalidValue,
                    &path,
                    None,
                    format!(
                        "must be a whole number from {} to {}",
                        range.start(),
                        range.end()
                    ),
                );
                None
            }
        }
    }

    /// A string item of an array.
    pub(crate) fn string_item(&mut self, path: &str, node: &Node) -> Option<String> {
        match &node.value {
            Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            Value::String(_) => {
                self.error(Code::InvalidValue, path, None, "must not be empty");
                None
            }
            _ => {
                self.wrong_type(path, "a string", node);
                None
            }
        }
    }
}

/// `; did you mean "near"?` for the candidate closest to `word`, or nothing: the hint every
/// "unknown name" message ends with.
pub(crate) fn did_you_mean(word: &str, candidates: &[&str]) -> String {
    closest(word, candidates)
        .map(|near| format!("; did you mean \"{near}\"?"))
        .unwrap_or_default()
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
pub(crate) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), *c))
        .filter(|(d, c)| *d <= c.len().div_ceil(3))
        .min()
        .map(|(_, c)| c)
}

/// Levenshtein distance over chars; inputs are short keys and enum names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = i;
        let mut left = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let up = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let cost = if ca == *cb { diagonal } else { diagonal + 1 };
            let value = cost.min(up + 1).min(left + 1);
            diagonal = up;
            left = value;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = value;
            }
        }
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_and_suggestions() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(
            closest("presale", &["pre-sale", "terminal"]),
            Some("pre-sale")
        );
        assert_eq!(closest("Stages", &["id", "stages"]), Some("stages"));
        assert_eq!(closest("zzzzzz", &["id", "stages"]), None);
        assert_eq!(closest("onwer", &["owner", "name"]), Some("owner"));
        assert_eq!(closest("ix", &["id", "name"]), Some("id"));
        assert_eq!(closest("xy", &["id", "name"]), None);
    }
}
