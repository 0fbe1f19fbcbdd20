//! The compiled matchers decide exactly what `regex-lite` decides: each pattern below is run
//! through the runtime's own matcher (`generated/runtime/src/matcher.rs`) and through the
//! engine, on edge cases and on many pseudo-random strings, some built to nearly match.

use super::*;

#[path = "../../../generated/runtime/src/matcher.rs"]
#[allow(dead_code)]
mod runtime;

/// Patterns in the shapes MongoDB's spec uses for parameters and fields, and shapes of our own
/// that reach the corners of the compiler: groups, counts, negated and POSIX classes, no anchors.
const PATTERNS: &[&str] = &[
    "^([a-f0-9]{24})$",
    "^([a-f0-9]{20})$",
    "^([a-f0-9]{8,32})$",
    "^([0-9a-f]){40}$",
    "^[a-zA-Z0-9][a-zA-Z0-9-]*$",
    r"^mdb_sa_id_[a-fA-F\d]{24}$",
    r#"^[^/\\ "$]{1,64}$"#,
    "^vpce-[0-9a-f]{17}$",
    "^pls_[0-9a-f]{24}$",
    "^p-[0-9a-z]{24}$",
    "^nt-[0-9a-f]{24}-[0-9a-z]{8}$",
    "^[0-9]{12}$",
    "^([A-Z]{2})$",
    "^(tgw-)[0-9a-zA-Z]+$",
    r"^([-\w._()])$",
    r"^([-\w._()])+$",
    "^arn:aws:kafka",
    "1199145600",
    "[0-9a-f]+",
    r"([\d]+\.[\d]+\.[\d]+)",
    r"^[a-z][0-9a-z-]{4,28}[0-9a-z]{1}",
    "[a-z]([-a-z0-9]{0,62}[a-z0-9]{0,1})?",
    "^([0-9]*/)?sg-([0-9]*)",
    r"^([0-9]{1,3}\.){3}[0-9]{1,3}$",
    r"^com\.amazonaws\.vpce\.[a-z-0-9]+\.vpce-svc-[0-9a-f]{17}",
    r"^/subscriptions/[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}/resource[gG]roups/x/[-\w._()]+$",
    "^mongodb-atlas-[0-9a-z]{16}@p-[0-9a-z]{24}.iam.gserviceaccount.com$",
    r"^[^,]*,?$",
    "^(?:ab)*c$",
    "^(ab){2,3}$",
    "^(a[^a]?){1,4}$",
    "^x(y(z{2})?w)+v$",
    "^[[:alpha:]][[:word:]]*$",
    r"^\S+\s\D\W$",
    "^.{2,5}$",
    "^é[ä-ü]+日$",
    "^[^a-z]+$",
    "^$",
    "",
    "a{0}b",
    "^a*?b+?$",
    "^[a-z]+$",
    // Not compiled: alternation, ambiguous repetitions, flags, look-around.
    "^[a-z]*[a-z0-9]$",
    "^(a|b)$",
    "^a+a$",
    "(?i)^abc$",
    r"\bword\b",
    "^(a*)*$",
    "a+$",
];

/// The patterns above that must compile (every other one may fall back).
const MUST_COMPILE: &[&str] = &[
    "^([a-f0-9]{24})$",
    "^[a-zA-Z0-9][a-zA-Z0-9-]*$",
    r"^mdb_sa_id_[a-fA-F\d]{24}$",
    r#"^[^/\\ "$]{1,64}$"#,
    "^vpce-[0-9a-f]{17}$",
    "1199145600",
    "[0-9a-f]+",
    r"^([0-9]{1,3}\.){3}[0-9]{1,3}$",
    "^(ab){2,3}$",
];

/// The patterns above that must not compile: their repetitions leave a choice.
const MUST_NOT_COMPILE: &[&str] = &[
    "^[a-z]*[a-z0-9]$",
    "^(a|b)$",
    "^a+a$",
    "(?i)^abc$",
    r"\bword\b",
    "^(a*)*$",
    "a+$",
];

/// A small deterministic generator (xorshift), so a failure reproduces.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }

    fn pick(&mut self, set: &CharSet) -> char {
        let (start, end) = set.ranges[self.below(set.ranges.len())];
        let span = u64::from(end) - u64::from(start) + 1;
        // Mostly near the start of a range, where the ASCII characters are.
        let offset = if self.below(4) == 0 {
            self.next() % span
        } else {
            self.next() % span.min(40)
        };
        char::from_u32(u32::from(start) + offset as u32).unwrap_or(start)
    }
}

fn leak_set(set: &RuntimeSet) -> runtime::CharSet {
    runtime::CharSet {
        ascii: set.ascii,
        other: Box::leak(set.other.clone().into_boxed_slice()),
    }
}

fn leak_steps(steps: &[RuntimeStep]) -> &'static [runtime::Step] {
    let steps: Vec<runtime::Step> = steps
        .iter()
        .map(|step| match step {
            RuntimeStep::Literal(text) => runtime::Step::Literal(Box::leak(text.clone().into())),
            RuntimeStep::Chars { set, min, max } => runtime::Step::Chars {
                set: leak_set(set),
                min: *min,
                max: *max,
            },
            RuntimeStep::Group {
                steps,
                first,
                min,
                max,
            } => runtime::Step::Group {
                steps: leak_steps(steps),
                first: leak_set(first),
                min: *min,
                max: *max,
            },
        })
        .collect();
    Box::leak(steps.into_boxed_slice())
}

fn runtime_matcher(matcher: &Matcher) -> runtime::Matcher {
    runtime::Matcher {
        anchored_start: matcher.anchored_start,
        anchored_end: matcher.anchored_end,
        steps: leak_steps(&matcher.runtime_steps()),
    }
}

/// Every set the matcher checks, to draw characters from.
fn sets(nodes: &[Node], into: &mut Vec<CharSet>) {
    for node in nodes {
        match node {
            Node::Chars { set, .. } => into.push(set.clone()),
            Node::Group { nodes, .. } => sets(nodes, into),
        }
    }
}

/// A value the steps accept (when their sets allow one), with counts near the limits.
fn sample(nodes: &[Node], random: &mut Random, into: &mut String) {
    for node in nodes {
        let min = node.min_count();
        let max = node.max_count().unwrap_or(min + 6).min(min + 6);
        let count = min + random.below((max - min + 1) as usize) as u32;
        for _ in 0..count {
            match node {
                Node::Chars { set, .. } => into.push(random.pick(set)),
                Node::Group { nodes, .. } => sample(nodes, random, into),
            }
        }
    }
}

/// Characters at and just beside the edges of every set, and a few of every kind.
fn alphabet(nodes: &[Node]) -> Vec<char> {
    let mut all = Vec::new();
    sets(nodes, &mut all);
    let mut chars: Vec<char> = "aAzZ09-._/ \n\t%,$^éü日\u{80}\u{10FFFF}".chars().collect();
    for set in &all {
        for &(start, end) in &set.ranges {
            chars.extend([Some(start), Some(end), after(end)].into_iter().flatten());
            if start > '\0' {
                chars.push(before(start));
            }
        }
    }
    chars.sort_unstable();
    chars.dedup();
    chars
}

fn mutate(value: &str, alphabet: &[char], random: &mut Random) -> String {
    let mut chars: Vec<char> = value.chars().collect();
    let c = alphabet[random.below(alphabet.len())];
    let at = random.below(chars.len() + 1);
    match random.below(4) {
        0 if at < chars.len() => chars[at] = c,
        1 if at < chars.len() => {
            chars.remove(at);
        }
        2 => chars.insert(at, c),
        _ => chars.extend_from_within(..at),
    }
    chars.into_iter().collect()
}

#[test]
fn compiled_matchers_decide_what_regex_lite_decides() {
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    let mut compiled = 0;
    for &source in PATTERNS {
        let engine = regex_lite::Regex::new(source).expect(source);
        let Some(matcher) = compile(source) else {
            assert!(!MUST_COMPILE.contains(&source), "{source} should compile");
            continue;
        };
        assert!(
            !MUST_NOT_COMPILE.contains(&source),
            "{source} must stay on the engine: {matcher:?}"
        );
        compiled += 1;
        let runtime = runtime_matcher(&matcher);
        let alphabet = alphabet(&matcher.nodes);
        let mut values: Vec<String> = vec![String::new()];
        values.extend(alphabet.iter().map(char::to_string));
        for _ in 0..600 {
            let mut value = String::new();
            sample(&matcher.nodes, &mut random, &mut value);
            if random.below(3) == 0 {
                let prefix: String = (0..random.below(3))
                    .map(|_| alphabet[random.below(alphabet.len())])
                    .collect();
                value.insert_str(0, &prefix);
            }
            values.push(mutate(&value, &alphabet, &mut random));
            values.push(value);
        }
        for _ in 0..600 {
            let length = random.below(40);
            values.push(
                (0..length)
                    .map(|_| alphabet[random.below(alphabet.len())])
                    .collect(),
            );
        }
        let mut matched = 0;
        for value in &values {
            let expected = engine.is_match(value);
            assert_eq!(
                runtime.is_match(value),
                expected,
                "{source} on {value:?}: {matcher:?}"
            );
            matched += usize::from(expected);
        }
        // Both answers were exercised, where the pattern can match at all.
        assert!(matched > 0 || source == "^$", "{source}: nothing matched");
        assert!(matched < values.len() || source.is_empty(), "{source}");
    }
    assert!(compiled >= MUST_COMPILE.len(), "{compiled}");
}

#[test]
fn runs_of_single_characters_become_literals() {
    let matcher = compile(r"^mdb_sa_id_[a-fA-F\d]{24}$").expect("compiles");
    let steps = matcher.runtime_steps();
    assert_eq!(steps[0], RuntimeStep::Literal("mdb_sa_id_".to_owned()));
    let RuntimeStep::Chars {
        set,
        min: 24,
        max: 24,
    } = &steps[1]
    else {
        panic!("{steps:?}");
    };
    assert!(set.other.is_empty());
    assert_eq!(set.ascii.count_ones(), 22);
}

#[test]
fn negated_classes_reach_beyond_ascii() {
    let matcher = compile("^[^a]$").expect("compiles");
    let steps = matcher.runtime_steps();
    let RuntimeStep::Chars { set, .. } = &steps[0] else {
        panic!("{steps:?}");
    };
    assert_eq!(set.ascii.count_ones(), 127);
    assert_eq!(set.other, vec![('\u{80}', char::MAX)]);
}
