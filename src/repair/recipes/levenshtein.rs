//! CPython's "Did you mean" suggestion, reproduced exactly.
//!
//! This mirrors `Python/suggestions.c` (`levenshtein_distance`, `calculate_suggestions`),
//! which is what prints `Did you mean: 'x'?` under a plain traceback in CPython 3.10-3.13
//! (3.13's `traceback` calls the same C code through `_suggestions`). It is a weighted
//! Levenshtein distance over the UTF-8 bytes, where an ASCII case change costs less than any
//! other edit, with a cap on how much of the name may change. `Lib/traceback.py` of 3.12
//! carries a pure-Python copy that also caps the distance at the wrong name's length; the
//! interpreter's own printing doesn't, so neither do we (3.12 itself suggests `add` for `ad`).
//! Matching CPython matters: the recipe proposes the very name a plain Python run would.

/// Cost of an insertion, deletion or substitution of a different byte.
pub const MOVE_COST: usize = 2;
/// Cost of substituting an ASCII letter by itself in the other case.
pub const CASE_COST: usize = 1;
/// Past their common prefix and suffix, names longer than this (in bytes) are never compared.
pub const MAX_STRING_SIZE: usize = 40;
/// CPython gives up on a candidate list this long.
pub const MAX_CANDIDATE_ITEMS: usize = 750;

fn substitution_cost(a: u8, b: u8) -> usize {
    if a == b {
        return 0;
    }
    if a.eq_ignore_ascii_case(&b) {
        return CASE_COST;
    }
    MOVE_COST
}

/// `levenshtein_distance` of `Python/suggestions.c`: the weighted distance, or any value
/// above `max_cost` once the distance is known to exceed it.
pub fn distance(a: &str, b: &str, max_cost: usize) -> usize {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    if a == b {
        return 0;
    }
    while let (Some(x), Some(y)) = (a.first(), b.first()) {
        if x != y {
            break;
        }
        a = &a[1..];
        b = &b[1..];
    }
    while let (Some(x), Some(y)) = (a.last(), b.last()) {
        if x != y {
            break;
        }
        a = &a[..a.len() - 1];
        b = &b[..b.len() - 1];
    }
    if a.is_empty() || b.is_empty() {
        return MOVE_COST * (a.len() + b.len());
    }
    if a.len() > MAX_STRING_SIZE || b.len() > MAX_STRING_SIZE {
        return max_cost.saturating_add(1);
    }
    if b.len() < a.len() {
        std::mem::swap(&mut a, &mut b);
    }
    if (b.len() - a.len()) * MOVE_COST > max_cost {
        return max_cost.saturating_add(1);
    }
    let mut row: Vec<usize> = (1..=a.len()).map(|i| i * MOVE_COST).collect();
    let mut result = 0;
    for (bindex, &bchar) in b.iter().enumerate() {
        let mut distance = bindex * MOVE_COST;
        result = distance;
        let mut minimum = usize::MAX;
        for (index, &achar) in a.iter().enumerate() {
            let substitute = distance + substitution_cost(bchar, achar);
            distance = row[index];
            let insert_delete = result.min(distance) + MOVE_COST;
            result = insert_delete.min(substitute);
            row[index] = result;
            minimum = minimum.min(result);
        }
        if minimum > max_cost {
            return max_cost.saturating_add(1);
        }
    }
    result
}

/// A suggestion and how far it is from the wrong name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub name: String,
    pub distance: usize,
}

/// `calculate_suggestions` of `Python/suggestions.c`: candidates in the given order, the
/// first one at the minimal distance wins, at most about a third of the bytes may change,
/// the wrong name itself is never suggested, and a list of [`MAX_CANDIDATE_ITEMS`] or more
/// is not searched at all.
pub fn suggest<'a, I>(wrong: &str, candidates: I) -> Option<Suggestion>
where
    I: IntoIterator<Item = &'a str>,
    I::IntoIter: ExactSizeIterator,
{
    let candidates = candidates.into_iter();
    if candidates.len() >= MAX_CANDIDATE_ITEMS {
        return None;
    }
    let mut best_distance = usize::MAX;
    let mut best: Option<&str> = None;
    for candidate in candidates {
        if candidate == wrong {
            continue;
        }
        let max_distance = (wrong.len() + candidate.len() + 3) * MOVE_COST / 6;
        let max_distance = max_distance.min(best_distance - 1);
        let current = distance(wrong, candidate, max_distance);
        if current > max_distance {
            continue;
        }
        if best.is_none() || current < best_distance {
            best = Some(candidate);
            best_distance = current;
        }
    }
    best.map(|name| Suggestion {
        name: name.to_string(),
        distance: best_distance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sugg(wrong: &str, names: &[&str]) -> Option<String> {
        suggest(wrong, names.iter().copied()).map(|s| s.name)
    }

    #[test]
    fn distance_weights_case_changes_lower() {
        assert_eq!(distance("total", "total", 10), 0);
        assert_eq!(distance("totl", "total", 10), 2);
        assert_eq!(distance("Total", "total", 10), 1);
        assert_eq!(distance("abc", "xyz", 100), 6);
        assert_eq!(distance("", "abc", 100), 6);
        // Over the cap the exact value is not computed, only "more than max".
        assert!(distance("abcdef", "uvwxyz", 3) > 3);
    }

    // Suggestions CPython prints for these (checked with 3.11-3.13 `python3 -c`).
    #[test]
    fn known_cpython_suggestions() {
        assert_eq!(
            sugg("totl", &["total", "tot", "x"]).as_deref(),
            Some("total")
        );
        assert_eq!(
            sugg("lenn", &["len", "min", "list"]).as_deref(),
            Some("len")
        );
        assert_eq!(sugg("sqr", &["sqrt", "sin", "e"]).as_deref(), Some("sqrt"));
        assert_eq!(sugg("prnt", &["print", "int"]).as_deref(), Some("print"));
        // `a` and `b` are too different from `xy` to be suggested.
        assert_eq!(sugg("xy", &["a", "b"]), None);
        // The interpreter suggests `add` for `ad` (3.12's pure-Python copy would not).
        assert_eq!(sugg("ad", &["add"]).as_deref(), Some("add"));
        // The wrong name itself is skipped (GH-88821).
        assert_eq!(sugg("foo", &["foo"]), None);
        // First at the minimal distance wins.
        assert_eq!(sugg("abcd", &["abcde", "abcdf"]).as_deref(), Some("abcde"));
        // Short names get a small budget: two insertions are too much for `ab`.
        assert_eq!(sugg("ab", &["abcd"]), None);
    }

    #[test]
    fn too_many_candidates_give_nothing_and_size_limit_applies_past_affixes() {
        // CPython refuses a list of exactly MAX_CANDIDATE_ITEMS (`>=` in suggestions.c).
        let many: Vec<String> = (0..MAX_CANDIDATE_ITEMS).map(|i| format!("n{i}")).collect();
        let mut with_match = many.clone();
        with_match[0] = "total".into();
        assert_eq!(suggest("totl", with_match.iter().map(String::as_str)), None);
        assert_eq!(
            suggest("totl", with_match[..10].iter().map(String::as_str)).map(|s| s.name),
            Some("total".into())
        );
        // Only what differs past the common prefix/suffix counts against the size limit.
        let long = "a".repeat(MAX_STRING_SIZE + 1);
        let near = format!("{long}b");
        assert_eq!(
            sugg(&long, &[near.as_str()]).as_deref(),
            Some(near.as_str())
        );
        let far = "b".repeat(MAX_STRING_SIZE + 1);
        assert_eq!(distance(&long, &far, 1000), 1001);
    }
}
