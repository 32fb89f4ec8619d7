//! Company-name normalisation for the name fallback: `"The Ácme Co., Ltd."` and `"ACME"` give
//! the same key `acme`.
//!
//! Steps: case folding; ASCII folding of common Latin letters (`é` → `e`, `ß` → `ss`, `ø` →
//! `o`) and dropping combining accents; dots and apostrophes removed inside words (`S.A.` →
//! `sa`, `McDonald's` → `mcdonalds`); `&` read as the word `and`; any other punctuation or
//! whitespace separates words; runs of single letters joined (`I B M` → `ibm`); a leading
//! `the` dropped; legal-form suffixes (the bundled `legal_suffixes.txt`) stripped from the end
//! while a word remains, with a dangling `and` (`Smith & Co` → `smith`).
//!
//! This module writes into caller-owned buffers; it knows nothing of accounts or leads.

use std::ops::Range;

use super::lists::lists;

/// Writes the normalised name into `out` and returns the range of `out` that is the matching
/// key; `out[key.start..]` is the *full* form (legal suffixes kept, a leading `the` not), which
/// breaks ties between accounts with the same key. `None` when the name has no letter or digit. `words` is scratch space.
pub(crate) fn normalize_name(
    raw: &str,
    words: &mut String,
    out: &mut String,
) -> Option<Range<usize>> {
    fold_words(raw, words);
    join_single_letters(words, out);
    if out.is_empty() {
        return None;
    }
    let start = if out.starts_with("the ") { 4 } else { 0 };
    let mut end = out.len();
    while let Some(stripped) = out.get(start..end).and_then(strip_legal_suffix) {
        end = start + stripped;
    }
    Some(start..end)
}

/// The matching key of a company name and what its full form adds after it (the legal
/// suffixes stripped, e.g. `" ltd"`; usually empty), borrowed from `out`.
pub(crate) fn name_forms<'o>(
    raw: &str,
    words: &mut String,
    out: &'o mut String,
) -> Option<(&'o str, &'o str)> {
    let range = normalize_name(raw, words, out)?;
    Some((out.get(range.clone())?, out.get(range.end..)?))
}

/// The length of `key` without its last legal suffix (and a then-dangling `and`), or `None`
/// when it does not end with one or it is all that is left.
fn strip_legal_suffix(key: &str) -> Option<usize> {
    let lists = lists();
    let mut spaces = key.rmatch_indices(' ').map(|(at, _)| at);
    let mut cut = None;
    for _ in 0..lists.longest_legal_suffix {
        let Some(space) = spaces.next() else { break };
        if key
            .get(space + 1..)
            .is_some_and(|phrase| lists.legal_suffixes.contains(phrase))
        {
            cut = Some(space);
        }
    }
    let cut = cut?;
    let rest = key.get(..cut)?;
    Some(match rest.strip_suffix(" and") {
        Some(without_and) => without_and.len(),
        None => cut,
    })
}

/// Case- and ASCII-folded words of `raw`, separated by single spaces, into `words`.
fn fold_words(raw: &str, words: &mut String) {
    words.clear();
    let mut gap = false;
    let mut utf8 = [0u8; 4];
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            push(
                words,
                char::to_ascii_lowercase(&c).encode_utf8(&mut utf8),
                &mut gap,
            );
        } else if matches!(c, '.' | '\'' | '\u{2018}' | '\u{2019}' | '\u{02bc}')
            || ('\u{0300}'..='\u{036f}').contains(&c)
        {
            // Joins: abbreviations, possessives, combining accents.
        } else if c == '&' {
            gap = true;
            push(words, "and", &mut gap);
            gap = true;
        } else if c.is_ascii() {
            gap = true;
        } else {
            for lower in c.to_lowercase() {
                if let Some(folded) = fold_latin(lower) {
                    push(words, folded, &mut gap);
                } else if lower.is_alphanumeric() {
                    push(words, lower.encode_utf8(&mut utf8), &mut gap);
                } else if !('\u{0300}'..='\u{036f}').contains(&lower) {
                    gap = true;
                }
            }
        }
    }
}

/// Appends `text` to `words`, after a space when a separator came before it.
fn push(words: &mut String, text: &str, gap: &mut bool) {
    if *gap && !words.is_empty() {
        words.push(' ');
    }
    *gap = false;
    words.push_str(text);
}

/// `words` with runs of one-character words joined (`s a` → `sa`), into `out`.
fn join_single_letters(words: &str, out: &mut String) {
    out.clear();
    let mut previous_single = false;
    for word in words.split(' ').filter(|w| !w.is_empty()) {
        let single = word.chars().nth(1).is_none();
        let joins_previous = single && previous_single;
        if !out.is_empty() && !joins_previous {
            out.push(' ');
        }
        out.push_str(word);
        previous_single = single;
    }
}

/// ASCII folding of common lowercase Latin letters with diacritics and ligatures.
fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(raw: &str) -> Option<String> {
        let (mut words, mut out) = (String::new(), String::new());
        let range = normalize_name(raw, &mut words, &mut out)?;
        Some(out[range].to_owned())
    }

    #[test]
    fn keys() {
        for (raw, want) in [
            ("Acme", "acme"),
            ("  ACME,   Inc. ", "acme"),
            ("The Acme Company", "acme"),
            ("Acme Holdings Co., Ltd.", "acme holdings"),
            ("Acme GmbH & Co. KG", "acme"),
            ("Smith & Co", "smith"),
            ("Procter & Gamble Co.", "procter and gamble"),
            ("Société Générale S.A.", "societe generale"),
            ("Nestlé S. A.", "nestle"),
            ("Müller-Lüdenscheidt GmbH", "muller ludenscheidt"),
            ("Straße AG", "strasse"),
            ("Ørsted A/S", "orsted"),
            ("McDonald’s Corporation", "mcdonalds"),
            ("I B M Corp", "ibm"),
            ("J.P. Morgan", "jp morgan"),
            ("Acme Sp. z o.o.", "acme"),
            ("Grupo Acme, S.A. de C.V.", "grupo acme"),
            ("Acme Pty Ltd", "acme"),
            ("Acme Private Limited", "acme"),
            ("Inc.", "inc"),
            ("The", "the"),
            ("The Co", "co"),
            ("Cafe\u{301} Noir Sarl", "cafe noir"),
            ("İstanbul Holding AŞ", "istanbul holding"),
            ("ЯНДЕКС ООО", "яндекс ооо"),
        ] {
            assert_eq!(key(raw).as_deref(), Some(want), "{raw:?}");
        }
        assert_eq!(key(""), None);
        assert_eq!(key(" -- & "), Some("and".to_owned()));
        assert_eq!(key(" -- / "), None);
    }
}
