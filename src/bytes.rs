//! The crate's binary encodings' building blocks: a writer and a bounded reader of bytes,
//! LEB128 lengths and little-endian numbers, used by replay state (`AJRS`) and report partials
//! (`AJRP`). Reading never panics: truncated or damaged bytes are an `invalid-argument` error.

use crate::definition::MAX_STAGES;
use crate::error::{Code, Error};
use crate::expr::Data;

/// Deepest nesting of account facts read back (the account schema nests four levels).
const MAX_DATA_DEPTH: usize = 16;

/// Writes values: bytes, LEB128 lengths, little-endian numbers.
pub(crate) struct Writer(pub(crate) Vec<u8>);

impl Writer {
    pub(crate) fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    pub(crate) fn len(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }
    pub(crate) fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn f64(&mut self, v: f64) {
        self.0.extend_from_slice(&v.to_bits().to_le_bytes());
    }
    pub(crate) fn str(&mut self, s: &str) {
        self.len(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }
    pub(crate) fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
            None => self.u8(0),
        }
    }
    pub(crate) fn opt_index(&mut self, v: Option<usize>) {
        // 0 for none, index + 1 otherwise.
        self.len(v.map_or(0, |i| i as u64 + 1));
    }
    pub(crate) fn opt_i64(&mut self, v: Option<i64>) {
        match v {
            Some(v) => {
                self.u8(1);
                self.i64(v);
            }
            None => self.u8(0),
        }
    }
    pub(crate) fn opt_bool(&mut self, v: Option<bool>) {
        self.u8(match v {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        });
    }
    pub(crate) fn data(&mut self, d: &Data) {
        match d {
            Data::Null => self.u8(0),
            Data::Bool(b) => {
                self.u8(1);
                self.u8(u8::from(*b));
            }
            Data::Number(n) => {
                self.u8(2);
                self.f64(*n);
            }
            Data::String(s) => {
                self.u8(3);
                self.str(s);
            }
            Data::Timestamp(t) => {
                self.u8(4);
                self.i64(*t);
            }
            Data::Duration(t) => {
                self.u8(5);
                self.i64(*t);
            }
            Data::List(items) | Data::Object(items) => {
                self.u8(if matches!(d, Data::List(_)) { 6 } else { 7 });
                self.len(items.len() as u64);
                for item in items {
                    self.data(item);
                }
            }
        }
    }
}

/// Reads what [`Writer`] wrote; every read is bounded, and damage is an `invalid-argument` error
/// naming what the bytes were supposed to be.
pub(crate) struct Reader<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) at: usize,
    /// What the bytes are, for messages ("replay state").
    pub(crate) what: &'static str,
}

pub(crate) type Read<T> = Result<T, Error>;

impl<'a> Reader<'a> {
    /// A damage error: `detail` says what was wrong. Never inlined: the readers that can fail
    /// stay small enough to be inlined where many values are read.
    #[cold]
    #[inline(never)]
    pub(crate) fn corrupt(&self, detail: &str) -> Error {
        Error::new(
            Code::InvalidArgument,
            "",
            format!("the {0} is damaged or not {0} ({detail})", self.what),
        )
    }

    pub(crate) fn take(&mut self, n: usize) -> Read<&'a [u8]> {
        let end = self
            .at
            .checked_add(n)
            .ok_or_else(|| self.corrupt("length"))?;
        let slice = self
            .bytes
            .get(self.at..end)
            .ok_or_else(|| self.corrupt("truncated"))?;
        self.at = end;
        Ok(slice)
    }
    pub(crate) fn u8(&mut self) -> Read<u8> {
        match self.bytes.get(self.at) {
            Some(&b) => {
                self.at += 1;
                Ok(b)
            }
            None => Err(self.corrupt("truncated")),
        }
    }
    /// A LEB128 number. Most lengths and counts fit one byte: that path is inlined where a
    /// reader reads many (report partials are mostly such numbers).
    #[inline]
    pub(crate) fn len(&mut self) -> Read<u64> {
        if let Some(&b) = self.bytes.get(self.at)
            && b < 0x80
        {
            self.at += 1;
            return Ok(u64::from(b));
        }
        self.len_long()
    }
    #[cold]
    #[inline(never)]
    fn len_long(&mut self) -> Read<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.corrupt("length"))
    }
    /// A count of items that follow, each at least one byte: more than the bytes left is
    /// corruption, which keeps a damaged length from allocating gigabytes.
    pub(crate) fn count(&mut self) -> Read<usize> {
        let n = self.len()?;
        let left = self.bytes.len().saturating_sub(self.at) as u64;
        if n > left {
            return Err(self.corrupt("count"));
        }
        Ok(n as usize)
    }
    pub(crate) fn u32(&mut self) -> Read<u32> {
        u32::try_from(self.len()?).map_err(|_| self.corrupt("number"))
    }
    /// A stage (or operator, or code) index: a journey has at most [`MAX_STAGES`] stages, so a
    /// larger one is damage — and would make loops over stage ranges run for ever.
    pub(crate) fn index(&mut self) -> Read<usize> {
        usize::try_from(self.len()?)
            .ok()
            .filter(|&i| i < MAX_STAGES)
            .ok_or_else(|| self.corrupt("index"))
    }
    pub(crate) fn opt_index(&mut self) -> Read<Option<usize>> {
        Ok(match self.len()? {
            0 => None,
            v => Some(
                usize::try_from(v - 1)
                    .ok()
                    .filter(|&i| i < MAX_STAGES)
                    .ok_or_else(|| self.corrupt("index"))?,
            ),
        })
    }
    pub(crate) fn i64(&mut self) -> Read<i64> {
        let bytes: [u8; 8] = self
            .take(8)?
            .try_into()
            .map_err(|_| self.corrupt("number"))?;
        Ok(i64::from_le_bytes(bytes))
    }
    pub(crate) fn u64(&mut self) -> Read<u64> {
        Ok(self.i64()? as u64)
    }
    pub(crate) fn f64(&mut self) -> Read<f64> {
        Ok(f64::from_bits(self.u64()?))
    }
    pub(crate) fn bool(&mut self) -> Read<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(self.corrupt("flag")),
        }
    }
    pub(crate) fn str(&mut self) -> Read<String> {
        self.str_ref().map(str::to_string)
    }
    /// Text, borrowed from the bytes.
    pub(crate) fn str_ref(&mut self) -> Read<&'a str> {
        let n = self.count()?;
        let bytes = self.take(n)?;
        std::str::from_utf8(bytes).map_err(|_| self.corrupt("text"))
    }
    pub(crate) fn opt_str(&mut self) -> Read<Option<String>> {
        Ok(if self.bool()? {
            Some(self.str()?)
        } else {
            None
        })
    }
    pub(crate) fn opt_i64(&mut self) -> Read<Option<i64>> {
        Ok(if self.bool()? {
            Some(self.i64()?)
        } else {
            None
        })
    }
    pub(crate) fn opt_bool(&mut self) -> Read<Option<bool>> {
        match self.u8()? {
            0 => Ok(None),
            1 => Ok(Some(false)),
            2 => Ok(Some(true)),
            _ => Err(self.corrupt("flag")),
        }
    }
    pub(crate) fn data(&mut self, depth: usize) -> Read<Data> {
        if depth > MAX_DATA_DEPTH {
            return Err(self.corrupt("nesting"));
        }
        Ok(match self.u8()? {
            0 => Data::Null,
            1 => Data::Bool(self.bool()?),
            2 => Data::Number(self.f64()?),
            3 => Data::String(self.str()?.into()),
            4 => Data::Timestamp(self.i64()?),
            5 => Data::Duration(self.i64()?),
            tag @ (6 | 7) => {
                let items = self.list(|r| r.data(depth + 1))?;
                if tag == 6 {
                    Data::List(items)
                } else {
                    Data::Object(items)
                }
            }
            _ => return Err(self.corrupt("value")),
        })
    }
    /// As [`Reader::data`], into `target`, reusing its allocations where the value read has the
    /// same shape (an object's or a list's vector, a string equal to the one read): replay
    /// decodes one account after another into the same tree.
    pub(crate) fn data_into(&mut self, target: &mut Data, depth: usize) -> Read<()> {
        if depth > MAX_DATA_DEPTH {
            return Err(self.corrupt("nesting"));
        }
        let at = self.at;
        match (self.u8()?, &mut *target) {
            (6, Data::List(items)) | (7, Data::Object(items)) => {
                let n = self.count()?;
                items.truncate(n);
                for i in 0..n {
                    match items.get_mut(i) {
                        Some(item) => self.data_into(item, depth + 1)?,
                        None => items.push(self.data(depth + 1)?),
                    }
                }
            }
            (3, Data::String(old)) => {
                let n = self.count()?;
                let bytes = self.take(n)?;
                if old.as_bytes() != bytes {
                    let text = std::str::from_utf8(bytes).map_err(|_| self.corrupt("text"))?;
                    *old = text.into();
                }
            }
            // A scalar over one of its kind: written in place (most of a signal's fields).
            (0, Data::Null) => {}
            (2, Data::Number(old)) => *old = self.f64()?,
            (4, Data::Timestamp(old)) => *old = self.i64()?,
            _ => {
                self.at = at;
                *target = self.data(depth)?;
            }
        }
        Ok(())
    }
    pub(crate) fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Read<T>) -> Read<Vec<T>> {
        let n = self.count()?;
        // A plain loop, not an iterator chain: one small body per element type in the .wasm.
        // Reserved as items arrive beyond the first few: a damaged count cannot make it
        // reserve far more memory than the bytes could hold.
        let mut items = Vec::with_capacity(n.min(16));
        for _ in 0..n {
            items.push(item(self)?);
        }
        Ok(items)
    }
}

/// The 64-bit FNV-1a hash of a text: fixed (no random seed), so whatever is grouped or looked up
/// by it behaves the same in every run and runtime.
pub(crate) fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reading_into_any_value_gives_what_reading_afresh_gives() {
        let s = |t: &str| Data::String(t.into());
        let values = [
            Data::Null,
            Data::Bool(true),
            Data::Number(1.5),
            Data::Number(-4.25),
            s("page_view"),
            s("webinar"),
            Data::Timestamp(7),
            Data::Timestamp(-3),
            Data::List(vec![s("x"), Data::Number(2.0)]),
            Data::List(vec![s("y")]),
            Data::List(Vec::new()),
            Data::Object(vec![s("a"), Data::List(vec![Data::Object(vec![s("b")])])]),
            Data::Object(vec![Data::Null, Data::List(Vec::new()), s("c")]),
        ];
        for wanted in &values {
            let mut w = Writer(Vec::new());
            w.data(wanted);
            for start in &values {
                let mut target = start.clone();
                let mut r = Reader {
                    bytes: &w.0,
                    at: 0,
                    what: "test",
                };
                r.data_into(&mut target, 0).unwrap();
                assert_eq!(&target, wanted, "read into {start:?}");
                assert_eq!(r.at, w.0.len());
            }
        }
    }
}
