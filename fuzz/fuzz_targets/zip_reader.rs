//! The run-logs zip reader on arbitrary bytes, with a small inflate cap (zip bombs).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(files) = self_heal::logs::read_zip_bytes_with_limit(data, 1 << 20) {
        let total: usize = files.iter().map(|f| f.text.len()).sum();
        // Cleaning may expand a byte to a replacement character (3 bytes).
        assert!(total <= 3 << 20, "inflated past the cap: {total}");
    }
});
