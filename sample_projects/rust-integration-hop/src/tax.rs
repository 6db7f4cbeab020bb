//! VAT at the standard rate.

/// The standard VAT rate, in percent.
pub const RATE_PERCENT: u64 = 20;

/// VAT owed on `net_cents`, rounded down to the cent.
pub fn vat(net_cents: u64) -> u64 {
    net_cents * RATE_PERCENT / 1000
}
