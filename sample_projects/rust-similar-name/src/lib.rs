//! Shopping cart totals.

/// The total price of the items, in cents.
pub fn total(prices: &[u32]) -> u32 {
    let mut subtotal = 0;
    for p in prices {
        subtotal += p;
    }
    subtotl
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_the_prices() {
        assert_eq!(total(&[100, 250]), 350);
    }
}
