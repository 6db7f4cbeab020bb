//! A run-logs zip whose one entry really inflates to gigabytes from a few tens of
//! megabytes, its ZIP64 sizes declaring what it holds: a readable head, then one run
//! of `x` written as deflate back-references. Built byte by byte here: compressing
//! 5 GiB would take minutes, this takes a moment.

use std::io::Write;
use std::path::Path;

/// What the entry of the defect report declared: 5 GiB.
pub const FIVE_GIB: u64 = 5 << 30;

/// Writes `path`: one deflated entry `name` holding `head` then `x`s, about `total`
/// bytes in all (exactly what the returned size says, which the zip declares).
pub fn write(path: &Path, name: &str, head: &str, total: u64) -> u64 {
    let head = head.as_bytes();
    assert!(head.len() < 0xffff && total > head.len() as u64 + 2064);
    // A stored block with the head, then one fixed-Huffman block: the literal `x`,
    // one match (258 bytes, distance 1) that brings the bits to a byte boundary,
    // `units` runs of 8 such matches (13 bytes each, all alike), the end of block.
    let units = (total - head.len() as u64 - 259) / 2064;
    let xs = 1 + 258 * (1 + 8 * units);
    let mut prefix = vec![0u8]; // BFINAL 0, BTYPE 00 (stored), padded
    let len = head.len() as u16;
    prefix.extend(len.to_le_bytes());
    prefix.extend((!len).to_le_bytes());
    prefix.extend(head);
    let mut bits = Bits::default();
    bits.put(1, 1); // BFINAL
    bits.put(1, 2); // BTYPE 01: fixed Huffman codes
    bits.code(0x30 + u32::from(b'x'), 8);
    bits.code(MATCH_258, 8);
    bits.code(0, 5); // distance 1
    prefix.extend(bits.done());
    let mut unit = Bits::default();
    for _ in 0..8 {
        unit.code(MATCH_258, 8);
        unit.code(0, 5);
    }
    let unit = unit.done();
    assert_eq!(unit.len(), 13);
    let end = [0u8]; // end of block (7 zero bits), padded
    let compressed = prefix.len() as u64 + 13 * units + 1;
    let size = head.len() as u64 + xs;
    let crc = combine(crc32(head), crc_of_xs(xs), xs);

    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let zip64 = |out: &mut Vec<u8>| {
        out.extend(1u16.to_le_bytes());
        out.extend(16u16.to_le_bytes());
        out.extend(size.to_le_bytes());
        out.extend(compressed.to_le_bytes());
    };
    let mut local = Vec::new();
    local.extend(0x0403_4b50u32.to_le_bytes());
    local.extend(45u16.to_le_bytes()); // version needed: ZIP64
    local.extend(0u16.to_le_bytes()); // flags
    local.extend(8u16.to_le_bytes()); // deflated
    local.extend([0u8; 4]); // time, date
    local.extend(crc.to_le_bytes());
    local.extend(u32::MAX.to_le_bytes()); // sizes in the ZIP64 field
    local.extend(u32::MAX.to_le_bytes());
    local.extend((name.len() as u16).to_le_bytes());
    local.extend(20u16.to_le_bytes());
    local.extend(name.as_bytes());
    zip64(&mut local);
    f.write_all(&local).unwrap();
    f.write_all(&prefix).unwrap();
    let many: Vec<u8> = unit.repeat(1 << 16);
    let mut left = units;
    while left > 0 {
        let n = left.min(1 << 16);
        f.write_all(&many[..13 * n as usize]).unwrap();
        left -= n;
    }
    f.write_all(&end).unwrap();
    let central_at = local.len() as u64 + compressed;
    let mut central = Vec::new();
    central.extend(0x0201_4b50u32.to_le_bytes());
    central.extend(45u16.to_le_bytes()); // made by
    central.extend(45u16.to_le_bytes()); // needed
    central.extend(0u16.to_le_bytes());
    central.extend(8u16.to_le_bytes());
    central.extend([0u8; 4]);
    central.extend(crc.to_le_bytes());
    central.extend(u32::MAX.to_le_bytes());
    central.extend(u32::MAX.to_le_bytes());
    central.extend((name.len() as u16).to_le_bytes());
    central.extend(20u16.to_le_bytes()); // extra
    central.extend(0u16.to_le_bytes()); // comment
    central.extend(0u16.to_le_bytes()); // disk
    central.extend(0u16.to_le_bytes()); // internal attributes
    central.extend(0u32.to_le_bytes()); // external attributes
    central.extend(0u32.to_le_bytes()); // the local header's offset
    central.extend(name.as_bytes());
    zip64(&mut central);
    let mut eocd = Vec::new();
    eocd.extend(0x0605_4b50u32.to_le_bytes());
    eocd.extend([0u8; 4]); // disks
    eocd.extend(1u16.to_le_bytes());
    eocd.extend(1u16.to_le_bytes());
    eocd.extend((central.len() as u32).to_le_bytes());
    eocd.extend(u32::try_from(central_at).unwrap().to_le_bytes());
    eocd.extend(0u16.to_le_bytes());
    f.write_all(&central).unwrap();
    f.write_all(&eocd).unwrap();
    f.flush().unwrap();
    size
}

/// Fixed Huffman code 285: a match of 258 bytes, no extra bits.
const MATCH_258: u32 = 0b1100_0101;

/// Deflate's bit order: values least significant bit first, Huffman codes most
/// significant bit first.
#[derive(Default)]
struct Bits {
    acc: u64,
    n: u32,
    out: Vec<u8>,
}

impl Bits {
    fn put(&mut self, v: u32, n: u32) {
        self.acc |= u64::from(v) << self.n;
        self.n += n;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    fn code(&mut self, c: u32, n: u32) {
        self.put(c.reverse_bits() >> (32 - n), n);
    }

    fn done(self) -> Vec<u8> {
        assert_eq!(self.n, 0, "not on a byte boundary");
        self.out
    }
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The CRC of `n` bytes `x`, by doubling (5 GiB one byte at a time would be slow).
fn crc_of_xs(n: u64) -> u32 {
    let (mut crc, mut piece, mut piece_len) = (0u32, crc32(b"x"), 1u64);
    let mut n = n;
    while n > 0 {
        if n & 1 == 1 {
            crc = combine(crc, piece, piece_len);
        }
        piece = combine(piece, piece, piece_len);
        piece_len *= 2;
        n >>= 1;
    }
    crc
}

/// zlib's `crc32_combine`: the CRC of A then B from theirs and B's length.
fn combine(mut crc1: u32, crc2: u32, mut len2: u64) -> u32 {
    fn times(mat: &[u32; 32], mut vec: u32) -> u32 {
        let (mut sum, mut i) = (0, 0);
        while vec != 0 {
            if vec & 1 != 0 {
                sum ^= mat[i];
            }
            vec >>= 1;
            i += 1;
        }
        sum
    }
    fn square(mat: &[u32; 32]) -> [u32; 32] {
        std::array::from_fn(|n| times(mat, mat[n]))
    }
    if len2 == 0 {
        return crc1;
    }
    let mut odd = [0u32; 32];
    odd[0] = 0xedb8_8320;
    for (n, row) in odd.iter_mut().enumerate().skip(1) {
        *row = 1 << (n - 1);
    }
    let mut even = square(&odd); // two zero bits
    odd = square(&even); // four
    loop {
        even = square(&odd);
        if len2 & 1 != 0 {
            crc1 = times(&even, crc1);
        }
        len2 >>= 1;
        if len2 == 0 {
            break;
        }
        odd = square(&even);
        if len2 & 1 != 0 {
            crc1 = times(&odd, crc1);
        }
        len2 >>= 1;
        if len2 == 0 {
            break;
        }
    }
    crc1 ^ crc2
}

#[test]
fn a_small_one_is_a_valid_zip_that_inflates_to_what_it_declares() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("small.zip");
    let size = write(&p, "test/1_Run tests.txt", "head line\n", 100_000);
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&p).unwrap()).unwrap();
    let mut entry = archive.by_index(0).unwrap();
    assert_eq!(entry.size(), size);
    let mut text = String::new();
    // Reading to the end checks the CRC too.
    std::io::Read::read_to_string(&mut entry, &mut text).unwrap();
    assert_eq!(text.len() as u64, size);
    assert!(text.starts_with("head line\nxxx") && text.ends_with("xxx"));
}
