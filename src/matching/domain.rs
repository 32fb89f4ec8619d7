//! Domain normalisation: the host of an email address or of an account's domain (bare, URL or
//! address), in one canonical form — lowercase, no trailing dot, internationalised labels in
//! punycode (`bücher.de` and `xn--bcher-kva.de` are the same key), a leading `www.` dropped —
//! and its registrable domain (eTLD+1) under the bundled multi-label public suffixes.
//!
//! This module does not decide what matches: free-mail and disposable checks and the account
//! index live in the parent module. It writes into caller-owned buffers so a million leads
//! need no allocation per lead (internationalised labels excepted).

use super::lists::lists;

/// Longest host accepted, in bytes of its ASCII (punycode) form (RFC 1035).
const MAX_HOST: usize = 253;
/// Longest label accepted, in bytes of its ASCII (punycode) form (RFC 1035).
const MAX_LABEL: usize = 63;
/// Longest local part (before `@`) accepted (RFC 5321).
const MAX_LOCAL: usize = 64;

/// Writes the normalised host of an email address into `out` (cleared first); `false` when the
/// text is not a usable address. Accepts surrounding whitespace, `mailto:` (query dropped) and
/// the display form `Name <a@b.com>`.
pub(crate) fn email_host(raw: &str, out: &mut String) -> bool {
    out.clear();
    let Some(address) = address_of(raw) else {
        return false;
    };
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    valid_local(local) && normalize_host(domain, out)
}

/// Writes the normalised host of an account domain into `out` (cleared first); `false` when it
/// names no usable host. Accepts a bare domain, a URL (`https://www.acme.com/path?x#y`, with
/// user info or a port) or an address (`sales@acme.com`, `mailto:`).
pub(crate) fn account_host(raw: &str, out: &mut String) -> bool {
    let text = raw.trim();
    if strip_prefix_ignore_case(text, "mailto:").is_some() {
        return email_host(text, out);
    }
    out.clear();
    let mut rest = text.strip_prefix("//").unwrap_or(text);
    if let Some((scheme, after)) = text.split_once(':') {
        if let Some(after) = after.strip_prefix("//") {
            if !scheme.is_empty()
                && scheme
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
            {
                rest = after;
            }
        }
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..end).unwrap_or(rest);
    let mut host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if let Some((name, port)) = host.rsplit_once(':') {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            host = name;
        }
    }
    normalize_host(host, out)
}

/// The registrable domain (eTLD+1) of a normalised host: the last three labels under a bundled
/// multi-label public suffix (`shop.acme.co.uk` → `acme.co.uk`), else the last two
/// (`eu.acme.com` → `acme.com`). `None` for a host that is itself a public suffix (`co.uk`).
pub(crate) fn registrable(host: &str) -> Option<&str> {
    let (rest, _tld) = host.rsplit_once('.')?;
    let Some((rest2, _)) = rest.rsplit_once('.') else {
        return (!lists().public_suffixes.contains(host)).then_some(host);
    };
    let two_labels = host.get(rest2.len() + 1..)?;
    if !lists().public_suffixes.contains(two_labels) {
        return Some(two_labels);
    }
    let start = rest2.rfind('.').map_or(0, |dot| dot + 1);
    host.get(start..)
}

/// The part of `host` before its registrable domain `key` (`eu.` of `eu.acme.com`; usually
/// empty).
pub(crate) fn subdomain_part<'h>(host: &'h str, key: &str) -> &'h str {
    host.strip_suffix(key).unwrap_or("")
}

/// The address inside `raw`: trimmed, display form and `mailto:` removed.
fn address_of(raw: &str) -> Option<&str> {
    let mut text = raw.trim();
    if let Some(inner) = text.strip_suffix('>') {
        let open = inner.rfind('<')?;
        text = inner.get(open + 1..)?.trim();
    }
    if let Some(rest) = strip_prefix_ignore_case(text, "mailto:") {
        text = rest
            .split_once('?')
            .map_or(rest, |(address, _)| address)
            .trim();
    }
    Some(text)
}

/// A local part is usable when non-empty, not too long, and — unless quoted — free of spaces
/// and of the characters that separate addresses.
fn valid_local(local: &str) -> bool {
    if local.is_empty() || local.len() > MAX_LOCAL {
        return false;
    }
    if local.len() >= 2 && local.starts_with('"') && local.ends_with('"') {
        return true;
    }
    !local.chars().any(|c| {
        c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '<' | '>' | '(' | ')' | ',' | ';' | ':' | '\\' | '"' | '[' | ']' | '@'
            )
    })
}

/// Dots that separate labels: the ASCII full stop and the ideographic ones IDNA maps to it.
fn is_dot(c: char) -> bool {
    matches!(c, '.' | '\u{3002}' | '\u{ff0e}' | '\u{ff61}')
}

/// Writes the canonical form of a host name into `out`; `false` when it is not a usable host
/// (empty label, bad character, IP address, single label, too long).
pub(crate) fn normalize_host(domain: &str, out: &mut String) -> bool {
    out.clear();
    let domain = match domain.chars().next_back() {
        Some(last) if is_dot(last) => domain
            .get(..domain.len() - last.len_utf8())
            .unwrap_or(domain),
        _ => domain,
    };
    let mut labels = 0;
    let mut last_label_start = 0;
    for label in domain.split(is_dot) {
        if labels > 0 {
            out.push('.');
        }
        last_label_start = out.len();
        let ok = if label.is_ascii() {
            push_ascii_label(label, out)
        } else {
            push_unicode_label(label, out)
        };
        if !ok {
            return false;
        }
        labels += 1;
    }
    let tld = out.get(last_label_start..).unwrap_or("");
    if labels < 2 || out.len() > MAX_HOST || tld.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    if let Some(rest) = out.strip_prefix("www.") {
        if registrable(rest).is_some() {
            out.drain(..4);
        }
    }
    true
}

/// Appends an ASCII label lowercased; `false` unless it is 1–63 letters, digits and inner
/// hyphens. Punycode labels (`xn--…`) are accepted as given.
fn push_ascii_label(label: &str, out: &mut String) -> bool {
    let bytes = label.as_bytes();
    if bytes.is_empty()
        || bytes.len() > MAX_LABEL
        || bytes.first() == Some(&b'-')
        || bytes.last() == Some(&b'-')
        || !bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
    {
        return false;
    }
    let start = out.len();
    out.push_str(label);
    if let Some(pushed) = out.get_mut(start..) {
        pushed.make_ascii_lowercase();
    }
    true
}

/// Appends an internationalised label lowercased and punycode-encoded (`xn--…`). No Unicode
/// normalisation (NFC) or UTS-46 mapping: see docs/matching.md.
fn push_unicode_label(label: &str, out: &mut String) -> bool {
    let mut chars: Vec<char> = Vec::with_capacity(label.len());
    for c in label.chars().flat_map(char::to_lowercase) {
        let allowed = if c.is_ascii() {
            c.is_ascii_alphanumeric() || c == '-'
        } else {
            !(c.is_whitespace() || c.is_control())
        };
        if !allowed || chars.len() >= MAX_LABEL {
            return false;
        }
        chars.push(c);
    }
    if chars.first() == Some(&'-') || chars.last() == Some(&'-') {
        return false;
    }
    let start = out.len();
    out.push_str("xn--");
    punycode_encode(&chars, out).is_some() && out.len() - start <= MAX_LABEL
}

/// Punycode (RFC 3492) encoding of one label's code points, appended to `out`; `None` on
/// arithmetic overflow (impossible within the 63-character label limit, checked anyway).
fn punycode_encode(input: &[char], out: &mut String) -> Option<()> {
    const BASE: u32 = 36;
    const T_MIN: u32 = 1;
    const T_MAX: u32 = 26;
    const INITIAL_N: u32 = 128;
    const INITIAL_BIAS: u32 = 72;

    let basic = u32::try_from(input.iter().filter(|c| c.is_ascii()).count()).ok()?;
    let total = u32::try_from(input.len()).ok()?;
    out.extend(input.iter().filter(|c| c.is_ascii()));
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias, mut handled) = (INITIAL_N, 0u32, INITIAL_BIAS, basic);
    while handled < total {
        let next = input
            .iter()
            .map(|&c| u32::from(c))
            .filter(|&c| c >= n)
            .min()?;
        delta = delta.checked_add((next - n).checked_mul(handled + 1)?)?;
        n = next;
        for c in input.iter().map(|&c| u32::from(c)) {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        T_MIN
                    } else if k >= bias + T_MAX {
                        T_MAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out.push(punycode_digit(t + (q - t) % (BASE - t))?);
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(punycode_digit(q)?);
                bias = punycode_adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(())
}

fn punycode_adapt(delta: u32, points: u32, first: bool) -> u32 {
    const BASE: u32 = 36;
    const T_MIN: u32 = 1;
    const T_MAX: u32 = 26;
    const SKEW: u32 = 38;
    const DAMP: u32 = 700;
    let mut delta = if first { delta / DAMP } else { delta / 2 };
    delta += delta / points.max(1);
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
}

fn punycode_digit(d: u32) -> Option<char> {
    let digits = b"abcdefghijklmnopqrstuvwxyz0123456789";
    digits.get(usize::try_from(d).ok()?).map(|&b| char::from(b))
}

/// `text` without `prefix`, compared ASCII case-insensitively.
fn strip_prefix_ignore_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        text.get(prefix.len()..)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(raw: &str) -> Option<String> {
        let mut out = String::new();
        email_host(raw, &mut out).then_some(out)
    }

    fn account(raw: &str) -> Option<String> {
        let mut out = String::new();
        account_host(raw, &mut out).then_some(out)
    }

    #[test]
    fn punycode_known_vectors() {
        for (unicode, ascii) in [
            ("bücher", "bcher-kva"),
            ("münchen", "mnchen-3ya"),
            ("españa", "espaa-rta"),
            ("рф", "p1ai"),
            ("россия", "h1alffa9f"),
            ("中国", "fiqs8s"),
            ("日本", "wgv71a"),
        ] {
            let chars: Vec<char> = unicode.chars().collect();
            let mut out = String::new();
            punycode_encode(&chars, &mut out).unwrap();
            assert_eq!(out, ascii, "{unicode}");
        }
    }

    #[test]
    fn email_hosts() {
        assert_eq!(email(" Jo@Acme.COM. ").as_deref(), Some("acme.com"));
        assert_eq!(
            email("mailto:jo@acme.com?subject=hi").as_deref(),
            Some("acme.com")
        );
        assert_eq!(
            email("\"Jo Smith\" <jo@eu.acme.com>").as_deref(),
            Some("eu.acme.com")
        );
        assert_eq!(email("<MAILTO:jo@acme.com>").as_deref(), Some("acme.com"));
        assert_eq!(email("jo@www.acme.com").as_deref(), Some("acme.com"));
        assert_eq!(email("jo@Bücher.de").as_deref(), Some("xn--bcher-kva.de"));
        assert_eq!(
            email("jo@XN--BCHER-KVA.de").as_deref(),
            Some("xn--bcher-kva.de")
        );
        assert_eq!(email("jo@bücher。de").as_deref(), Some("xn--bcher-kva.de"));
        assert_eq!(email("\"jo smith\"@acme.com").as_deref(), Some("acme.com"));
        for bad in [
            "",
            "jo",
            "jo@",
            "@acme.com",
            "jo@acme",
            "jo@acme..com",
            "jo@.acme.com",
            "jo@acme.com..",
            "jo smith@acme.com",
            "jo@acme_corp.com",
            "jo@-acme.com",
            "jo@10.0.0.1",
            "jo@[10.0.0.1]",
            "jo@acme .com",
            "Jo <jo@acme.com",
        ] {
            assert_eq!(email(bad), None, "{bad:?}");
        }
        let long_label = format!("jo@{}.com", "a".repeat(64));
        assert_eq!(email(&long_label), None);
    }

    #[test]
    fn account_hosts() {
        assert_eq!(
            account("https://www.Acme.com/path?q=1#x").as_deref(),
            Some("acme.com")
        );
        assert_eq!(
            account("http://user@shop.acme.co.uk:8080/").as_deref(),
            Some("shop.acme.co.uk")
        );
        assert_eq!(account("//acme.com").as_deref(), Some("acme.com"));
        assert_eq!(account("acme.com/").as_deref(), Some("acme.com"));
        assert_eq!(account("sales@acme.com").as_deref(), Some("acme.com"));
        assert_eq!(
            account("mailto:sales@acme.com").as_deref(),
            Some("acme.com")
        );
        assert_eq!(account("www.co.uk").as_deref(), Some("www.co.uk"));
        assert_eq!(account("https://"), None);
        assert_eq!(account("acme"), None);
    }

    #[test]
    fn registrable_domains() {
        assert_eq!(registrable("acme.com"), Some("acme.com"));
        assert_eq!(registrable("a.b.eu.acme.com"), Some("acme.com"));
        assert_eq!(registrable("shop.acme.co.uk"), Some("acme.co.uk"));
        assert_eq!(registrable("acme.co.uk"), Some("acme.co.uk"));
        assert_eq!(registrable("co.uk"), None);
        assert_eq!(registrable("acme.com.au"), Some("acme.com.au"));
        assert_eq!(registrable("com"), None);
        assert_eq!(registrable("www.co.uk"), Some("www.co.uk"));
    }
}
