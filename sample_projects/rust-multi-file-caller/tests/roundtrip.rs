use csvlite::{QuoteStyle, ReaderBuilder, Writer, WriterBuilder};

fn write(builder: &WriterBuilder, rows: &[&[&str]]) -> String {
    let mut out = Vec::new();
    {
        let mut w = builder.from_writer(&mut out);
        for row in rows {
            w.write_record(*row).unwrap();
        }
    }
    String::from_utf8(out).unwrap()
}

fn read(text: &str, delimiter: u8) -> Vec<Vec<String>> {
    ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .collect()
}

const ROWS: &[&[&str]] = &[
    &["city", "price", "note"],
    &["Lyon", "3,50", "cash; or card"],
    &["Köln", "12", "said \"bitte\""],
];

#[test]
fn commas_are_quoted() {
    let text = write(&WriterBuilder::new(), ROWS);
    assert_eq!(
        text,
        "city,price,note\nLyon,\"3,50\",cash; or card\nKöln,12,\"said \"\"bitte\"\"\"\n"
    );
    assert_eq!(
        read(&text, b','),
        ROWS.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    );
}

#[test]
fn semicolon_files_quote_fields_holding_a_semicolon() {
    let text = write(WriterBuilder::new().delimiter(b';'), ROWS);
    assert_eq!(
        text,
        "city;price;note\nLyon;3,50;\"cash; or card\"\nKöln;12;\"said \"\"bitte\"\"\"\n"
    );
}

#[test]
fn tab_separated_round_trip() {
    let rows: &[&[&str]] = &[&["a\tb", "c"], &["d", "e"]];
    let text = write(WriterBuilder::new().delimiter(b'\t'), rows);
    assert_eq!(read(&text, b'\t')[0], vec!["a\tb", "c"]);
}

#[test]
fn quote_styles() {
    let rows: &[&[&str]] = &[&["id", "007", "1.5"]];
    assert_eq!(
        write(WriterBuilder::new().quote_style(QuoteStyle::Always), rows),
        "\"id\",\"007\",\"1.5\"\n"
    );
    assert_eq!(
        write(
            WriterBuilder::new().quote_style(QuoteStyle::NonNumeric),
            rows
        ),
        "\"id\",\"007\",1.5\n"
    );
}

#[test]
fn records_keep_their_field_count() {
    let mut out = Vec::new();
    let mut w = Writer::new(&mut out);
    w.write_record(["a", "b"]).unwrap();
    assert!(w.write_record(["c"]).is_err());
}

#[test]
fn quoted_fields_span_lines() {
    let rows = read("name,bio\nAda,\"first line\nsecond line\"\n", b',');
    assert_eq!(rows[1][1], "first line\nsecond line");
}
