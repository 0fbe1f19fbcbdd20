//! Spec patterns the generator compiled into steps, matched without a regex engine.
//!
//! The generator compiles a pattern into a [`Matcher`] only when every step is decided by the
//! next character: where a repetition may stop or go on, no character that continues it can
//! also start what follows. One greedy pass then decides exactly what a regular-expression
//! engine decides, in time linear in the value, with no engine to compile or carry. The
//! semantics are those of `regex-lite`, whose place a compiled pattern takes: characters, not
//! bytes, are counted, and classes such as `\d` are ASCII.

/// A compiled pattern: its steps and where it is anchored.
#[derive(Debug, Clone, Copy)]
pub struct Matcher {
    /// `^`: the match starts at the value's start; otherwise it may start anywhere.
    pub anchored_start: bool,
    /// `$`: the match ends at the value's end; otherwise anything may follow it.
    pub anchored_end: bool,
    pub steps: &'static [Step],
}

/// One step of a [`Matcher`].
#[derive(Debug, Clone, Copy)]
pub enum Step {
    /// These characters, in order.
    Literal(&'static str),
    /// A character of `set`, from `min` to `max` times (`u32::MAX`: no limit), as many as
    /// there are.
    Chars { set: CharSet, min: u32, max: u32 },
    /// The group's steps, from `min` to `max` times; past `min`, another round begins when
    /// the next character is in `first`.
    Group {
        steps: &'static [Step],
        first: CharSet,
        min: u32,
        max: u32,
    },
}

/// A set of characters: a bitmap for ASCII, sorted ranges for the rest.
#[derive(Debug, Clone, Copy)]
pub struct CharSet {
    /// Bit `n` is set when the character `n` (< 128) is in the set.
    pub ascii: u128,
    /// Inclusive ranges of non-ASCII characters.
    pub other: &'static [(char, char)],
}

impl CharSet {
    /// The length in bytes of the character at `at` when it is in the set.
    fn accepts(&self, value: &str, at: usize) -> Option<usize> {
        let byte = *value.as_bytes().get(at)?;
        if byte.is_ascii() {
            return AsciiBits::of(self).contains(byte).then_some(1);
        }
        if self.other.is_empty() {
            return None;
        }
        let c = value.get(at..)?.chars().next()?;
        self.other
            .iter()
            .any(|&(start, end)| start <= c && c <= end)
            .then(|| c.len_utf8())
    }
}

impl Matcher {
    pub fn is_match(&self, value: &str) -> bool {
        if self.anchored_start {
            return self.matches_from(value, 0);
        }
        // The generator compiles unanchored patterns only with bounded steps, so each start
        // costs at most the pattern's longest match.
        value
            .char_indices()
            .map(|(start, _)| start)
            .chain([value.len()])
            .any(|start| self.matches_from(value, start))
    }

    fn matches_from(&self, value: &str, start: usize) -> bool {
        run(self.steps, value, start).is_some_and(|end| !self.anchored_end || end == value.len())
    }
}

/// The ASCII half of a [`CharSet`] as two words: a shift of a `u128` by a variable amount costs
/// several instructions per character, and patterns run on every path parameter.
#[derive(Clone, Copy)]
struct AsciiBits {
    low: u64,
    high: u64,
}

impl AsciiBits {
    fn of(set: &CharSet) -> Self {
        Self {
            low: set.ascii as u64,
            high: (set.ascii >> 64) as u64,
        }
    }

    fn contains(self, byte: u8) -> bool {
        let word = match byte {
            0..64 => self.low,
            64..128 => self.high,
            _ => return false,
        };
        (word >> (byte & 63)) & 1 == 1
    }

    /// How many of `bytes`, from the first and at most `max`, are in the set.
    fn count_leading(self, bytes: &[u8], max: usize) -> usize {
        let limit = bytes.len().min(max);
        let mut count = 0;
        while count < limit && self.contains(bytes[count]) {
            count += 1;
        }
        count
    }
}

/// Where the steps' match starting at `at` ends; `None` if they do not match there.
fn run(steps: &[Step], value: &str, mut at: usize) -> Option<usize> {
    for step in steps {
        match step {
            Step::Literal(text) => {
                if !value.as_bytes().get(at..)?.starts_with(text.as_bytes()) {
                    return None;
                }
                at += text.len();
            }
            // An ASCII set accepts no byte of a longer character: bytes are characters here.
            Step::Chars { set, min, max } if set.other.is_empty() => {
                let count =
                    AsciiBits::of(set).count_leading(value.as_bytes().get(at..)?, *max as usize);
                if count < *min as usize {
                    return None;
                }
                at += count;
            }
            Step::Chars { set, min, max } => {
                let mut count = 0;
                while count < *max {
                    match set.accepts(value, at) {
                        Some(length) => at += length,
                        None => break,
                    }
                    count += 1;
                }
                if count < *min {
                    return None;
                }
            }
            Step::Group {
                steps,
                first,
                min,
                max,
            } => {
                let mut count = 0;
                while count < *max && (count < *min || first.accepts(value, at).is_some()) {
                    at = run(steps, value, at)?;
                    count += 1;
                }
            }
        }
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: CharSet = CharSet {
        ascii: (0x3FF << b'0') | (0x3F << b'a'),
        other: &[],
    };

    #[test]
    fn ascii_bits_hold_the_sets_bitmap() {
        let sets = [HEX.ascii, 1 | 1 << 63 | 1 << 64 | 1 << 127, u128::MAX, 0];
        for ascii in sets {
            let bits = AsciiBits::of(&CharSet { ascii, other: &[] });
            for byte in 0..=u8::MAX {
                let expected = byte < 128 && (ascii >> byte) & 1 == 1;
                assert_eq!(bits.contains(byte), expected, "{ascii:x} {byte}");
            }
        }
        let hex = AsciiBits::of(&HEX);
        assert_eq!(hex.count_leading(b"0af9x1", usize::MAX), 4);
        assert_eq!(hex.count_leading(b"0af9x1", 2), 2);
        assert_eq!(hex.count_leading("é0".as_bytes(), 5), 0);
    }

    #[test]
    fn anchored_steps_match_whole_values() {
        // `^([a-f0-9]{24})$`
        let object_id = Matcher {
            anchored_start: true,
            anchored_end: true,
            steps: &[Step::Chars {
                set: HEX,
                min: 24,
                max: 24,
            }],
        };
        assert!(object_id.is_match("32b6e34b3d91647abb20e7b8"));
        assert!(!object_id.is_match("32b6e34b3d91647abb20e7b"));
        assert!(!object_id.is_match("32b6e34b3d91647abb20e7b8a"));
        assert!(!object_id.is_match("32B6E34B3D91647ABB20E7B8"));
        assert!(!object_id.is_match("32b6e34b3d91647abb20e7é"));
    }

    #[test]
    fn unanchored_steps_match_anywhere() {
        // `ab(c.){2}` with `.` as any character but a newline.
        const ANY_BUT_NEWLINE: CharSet = CharSet {
            ascii: !(1 << b'\n'),
            other: &[('\u{80}', char::MAX)],
        };
        let pattern = Matcher {
            anchored_start: false,
            anchored_end: false,
            steps: &[
                Step::Literal("ab"),
                Step::Group {
                    steps: &[
                        Step::Literal("c"),
                        Step::Chars {
                            set: ANY_BUT_NEWLINE,
                            min: 1,
                            max: 1,
                        },
                    ],
                    first: CharSet {
                        ascii: 1 << b'c',
                        other: &[],
                    },
                    min: 2,
                    max: 2,
                },
            ],
        };
        assert!(pattern.is_match("xxabcécz!"));
        assert!(!pattern.is_match("abc\ncz"));
        assert!(!pattern.is_match("éab"));
    }
}
