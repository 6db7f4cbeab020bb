//! The ring buffer: the oldest reading is overwritten when it is full.

pub struct Ring {
    items: Vec<u32>,
    start: usize,
    len: usize,
}

impl Ring {
    pub fn new(capacity: usize) -> Ring {
        Ring {
            items: vec![0; capacity],
            start: 0,
            len: 0,
        }
    }

    /// Adds a reading, dropping the oldest one when the ring is full.
    pub fn push(&mut self, v: u32) {
        let cap = self.items.len();
        if self.len < cap {
            self.items[(self.start + self.len) % cap] = v;
            self.len += 1;
        } else {
            self.items[self.start] = v;
            self.start = (self.start + 1) % cap;
        }
    }

    /// The `i`-th reading, oldest first.
    pub fn get(&self, i: usize) -> u32 {
        assert!(i < self.len, "index {i} past the {} readings", self.len);
        self.items[self.start + i]
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::Ring;

    #[test]
    fn keeps_readings_in_order() {
        let mut r = Ring::new(3);
        r.push(1);
        r.push(2);
        assert_eq!((r.get(0), r.get(1)), (1, 2));
    }

    #[test]
    fn overwrites_the_oldest_when_full() {
        let mut r = Ring::new(3);
        for v in 1..=5 {
            r.push(v);
        }
        let all: Vec<u32> = (0..r.len()).map(|i| r.get(i)).collect();
        assert_eq!(all, vec![3, 4, 5]);
    }
}
