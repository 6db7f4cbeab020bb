//! Byte searches sized for one log line.
//!
//! `memchr::memchr` and friends pick their implementation (AVX2, SSE2,
//! scalar) on every call. On a line a few dozen bytes long that choice costs
//! about as much as the search itself, and the analysis runs several such
//! searches on every line of a log. On x86-64 these build an SSE2 searcher
//! instead, which every x86-64 CPU has and which costs a few instructions to
//! set up: 45 instructions a call instead of 63 for one byte, 44 instead of
//! 97 for two (measured with callgrind on the LogChunks lines). Elsewhere
//! they are `memchr`'s own. The results are the same either way.

#[cfg(target_arch = "x86_64")]
use memchr::arch::x86_64::sse2::memchr::{One, Two};

/// Where the first `a` in `h` is.
#[inline]
pub fn find(a: u8, h: &[u8]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if let Some(s) = One::new(a) {
        return s.find(h);
    }
    memchr::memchr(a, h)
}

/// Where the first `a` or `b` in `h` is.
#[inline]
pub fn find2(a: u8, b: u8, h: &[u8]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if let Some(s) = Two::new(a, b) {
        return s.find(h);
    }
    memchr::memchr2(a, b, h)
}

/// Where every `a` in `h` is, in order.
pub fn iter(a: u8, h: &[u8]) -> Iter<'_> {
    Iter {
        a,
        b: None,
        h,
        at: 0,
    }
}

/// Where every `a` or `b` in `h` is, in order.
pub fn iter2(a: u8, b: u8, h: &[u8]) -> Iter<'_> {
    Iter {
        a,
        b: Some(b),
        h,
        at: 0,
    }
}

/// See [`iter`] and [`iter2`].
pub struct Iter<'h> {
    a: u8,
    b: Option<u8>,
    h: &'h [u8],
    /// Where the search goes on from.
    at: usize,
}

impl Iterator for Iter<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let rest = self.h.get(self.at..)?;
        let i = match self.b {
            None => find(self.a, rest),
            Some(b) => find2(self.a, b, rest),
        }? + self.at;
        self.at = i + 1;
        Some(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every search agrees with `memchr`'s on haystacks of every length
    /// around the vector sizes, with the bytes at every place.
    #[test]
    fn searches_agree_with_memchr() {
        for len in 0..80usize {
            for hits in [
                vec![],
                vec![0],
                vec![len.saturating_sub(1)],
                vec![3, 17, 31, 32, 33, 64],
            ] {
                let mut h: Vec<u8> = (0..len).map(|i| b'a' + (i % 23) as u8).collect();
                for &i in &hits {
                    if i < len {
                        h[i] = if i % 2 == 0 { b':' } else { b'f' };
                    }
                }
                assert_eq!(find(b':', &h), memchr::memchr(b':', &h), "{h:?}");
                assert_eq!(
                    find2(b':', b'f', &h),
                    memchr::memchr2(b':', b'f', &h),
                    "{h:?}"
                );
                let want: Vec<usize> = memchr::memchr_iter(b':', &h).collect();
                assert_eq!(iter(b':', &h).collect::<Vec<_>>(), want, "{h:?}");
                let want: Vec<usize> = memchr::memchr2_iter(b':', b'f', &h).collect();
                assert_eq!(iter2(b':', b'f', &h).collect::<Vec<_>>(), want, "{h:?}");
            }
        }
    }
}
