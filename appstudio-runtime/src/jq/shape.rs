//! [`shape`]: how deeply a JSON text nests and how many values it holds, found by one
//! iterative scan before it is parsed, so that no recursive parser meets a text nested deeper
//! than it can handle (issue 9).

/// How deeply a JSON text nests, and roughly how many values it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JsonShape {
    /// The deepest nesting of arrays and objects (`1` is `[1]`, `0` a scalar).
    pub depth: usize,
    /// Arrays, objects, and the values and keys separated by `,` or `:` in them: an upper
    /// bound of the number of values a parser builds (within one or two of it).
    pub values: usize,
}

/// The [`JsonShape`] of `text`, without parsing it: brackets and separators outside strings
/// are counted (the text need not be valid JSON; the parser that runs next says whether it is).
/// Constant stack, one pass.
pub fn shape(text: &[u8]) -> JsonShape {
    let mut depth = 0usize;
    let mut shape = JsonShape {
        depth: 0,
        values: 1,
    };
    let mut bytes = text.iter();
    while let Some(&b) = bytes.next() {
        match b {
            b'"' => {
                // skip the string, escapes included
                while let Some(&c) = bytes.next() {
                    match c {
                        b'\\' => {
                            bytes.next();
                        }
                        b'"' => break,
                        _ => {}
                    }
                }
            }
            b'[' | b'{' => {
                depth += 1;
                shape.depth = shape.depth.max(depth);
                shape.values += 1;
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b',' | b':' => shape.values += 1,
            _ => {}
        }
    }
    shape
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(
            shape(b"1"),
            JsonShape {
                depth: 0,
                values: 1
            }
        );
        assert_eq!(shape(b"[[1,2],{\"a\":3}]").depth, 2);
        assert_eq!(shape(br#"["[[[", "\"[[["]"#).depth, 1);
        assert_eq!(shape(&b"[".repeat(5000)).depth, 5000);
        assert!(shape(b"[1,2,3]").values >= 4);
    }
}
