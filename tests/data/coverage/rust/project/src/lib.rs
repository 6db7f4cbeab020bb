//! Tiny parser.
mod lex;

/// Sums a comma list.
pub fn sum(s: &str) -> i64 {
    lex::split(s).iter().sum()
}

pub struct Acc {
    pub n: i64,
}

impl Acc {
    pub fn add(&mut self, v: i64) {
        if v < 0 {
            return;
        }
        self.n += v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds() {
        let mut a = Acc { n: 0 };
        a.add(2);
        a.add(-1);
        assert_eq!(a.n, 2);
    }
}
