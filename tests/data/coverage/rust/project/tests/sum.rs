#[test]
fn sums_many() {
    assert_eq!(covrs::sum("10, 20"), 30);
}

#[test]
fn sums_one_digit() {
    assert_eq!(covrs::sum("7"), 7);
}

#[test]
fn sums_with_garbage() {
    assert_eq!(covrs::sum("10, x2"), 10);
}
