//! The "drunken bishop" picture `ssh-keygen -lv` draws under a fingerprint (OpenSSH's
//! `fingerprint_randomart`; Loss, Limmer and von Gernler, "The drunken bishop", 2009).
//!
//! Written here rather than taken from `ssh-key` (whose `Fingerprint::to_randomart` draws the
//! same field): that one knows only SHA-256 and SHA-512, not MD5 (`ssh-keygen -lv -E md5`), and
//! does not shorten a title too wide for the box as ssh-keygen does.

/// The field: 17 columns, 9 rows; the bishop starts in the middle.
const WIDTH: usize = 17;
const HEIGHT: usize = 9;
/// The symbols for 0, 1, 2 … visits; the last two mark the start (`S`) and the end (`E`).
const SYMBOLS: &[u8; 17] = b" .o+=*BOX@%&#/^SE";
/// The most visits a square shows before it saturates (`^` and above are the marks).
const MAX_VISITS: u8 = SYMBOLS.len() as u8 - 3;

/// The picture of `digest`, framed, the title (`[ED25519 256]`) on the top border and the hash
/// name (`[SHA256]`) on the bottom one, without a final newline, as ssh-keygen prints it.
pub(crate) fn draw(digest: &[u8], key_label: &str, bits: u32, hash_name: &str) -> String {
    let mut field = [[0u8; HEIGHT]; WIDTH];
    let (mut x, mut y) = (WIDTH / 2, HEIGHT / 2);
    for &byte in digest {
        // Each byte is four moves, lowest bits first: bit 0 right/left, bit 1 down/up.
        for step in 0..4 {
            let bits = byte >> (2 * step);
            x = if bits & 1 == 1 {
                (x + 1).min(WIDTH - 1)
            } else {
                x.saturating_sub(1)
            };
            y = if bits & 2 == 2 {
                (y + 1).min(HEIGHT - 1)
            } else {
                y.saturating_sub(1)
            };
            if let Some(square) = field.get_mut(x).and_then(|c| c.get_mut(y))
                && *square < MAX_VISITS
            {
                *square += 1;
            }
        }
    }
    let start = SYMBOLS.len() as u8 - 2;
    if let Some(square) = field.get_mut(WIDTH / 2).and_then(|c| c.get_mut(HEIGHT / 2)) {
        *square = start;
    }
    if let Some(square) = field.get_mut(x).and_then(|c| c.get_mut(y)) {
        *square = start + 1;
    }

    // ssh-keygen formats the title into a buffer of the box's width: when "[TYPE BITS]" does
    // not fit it tries "[TYPE]", and what still does not fit is cut to 16 bytes.
    let mut title = format!("[{key_label} {bits}]");
    if title.len() > WIDTH {
        title = format!("[{key_label}]");
    }
    let mut art = border(&title);
    art.push('\n');
    for row in 0..HEIGHT {
        art.push('|');
        for column in &field {
            let visits = column.get(row).copied().unwrap_or_default();
            let symbol = SYMBOLS.get(usize::from(visits)).copied().unwrap_or(b'E');
            art.push(char::from(symbol));
        }
        art.push_str("|\n");
    }
    art.push_str(&border(&format!("[{hash_name}]")));
    art
}

/// `+---[TEXT]---+`: the text centred (the odd dash on the right), cut to 16 bytes.
fn border(text: &str) -> String {
    let mut end = text.len().min(WIDTH - 1);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = text.get(..end).unwrap_or_default();
    let left = (WIDTH - text.len()) / 2;
    format!(
        "+{}{text}{}+",
        "-".repeat(left),
        "-".repeat(WIDTH - left - text.len())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borders_are_centred_and_cut_as_ssh_keygen_does() {
        assert_eq!(border("[ED25519 256]"), "+--[ED25519 256]--+");
        assert_eq!(border("[RSA 4096]"), "+---[RSA 4096]----+");
        assert_eq!(border("[MD5]"), "+------[MD5]------+");
        // A 17-byte text is cut to 16 (ssh-keygen's buffer), the 17th column a dash.
        assert_eq!(border("[ED25519-CERT 256]"), "+[ED25519-CERT 25-+");
    }

    #[test]
    fn an_empty_digest_leaves_the_bishop_at_the_start() {
        let art = draw(&[], "ED25519", 256, "SHA256");
        let rows: Vec<&str> = art.lines().collect();
        assert_eq!(rows.len(), HEIGHT + 2);
        // Start and end coincide: the end mark wins.
        assert_eq!(rows.get(1 + HEIGHT / 2), Some(&"|        E        |"));
    }
}
