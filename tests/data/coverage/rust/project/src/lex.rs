pub fn split(s: &str) -> Vec<i64> {
    let mut out = Vec::new();
    for part in s.split(',') {
        let t = part.trim();
        if t.len() > 1 {
            out.push(t.parse().expect("a number"));
        }
    }
    out
}
