use invoice::{subtotal, total, Line};

fn lines() -> Vec<Line> {
    vec![
        Line { unit_cents: 250, quantity: 2 },
        Line { unit_cents: 500, quantity: 1 },
    ]
}

#[test]
fn subtotal_sums_lines() {
    assert_eq!(subtotal(&lines()), 1000);
}

#[test]
fn total_includes_vat() {
    assert_eq!(total(&lines()), 1200);
}
