//! Compiles simple spec patterns into deterministic matchers the runtime runs without a
//! regular-expression engine (`runtime::Matcher`).
//!
//! Most parameter patterns are a chain of character classes and literals with counts
//! (`^([a-f0-9]{24})$`, `^[a-zA-Z0-9][a-zA-Z0-9-]*$`). For those, a regex engine spends far
//! more time than the check needs, and the crate pays for the engine as a dependency. A
//! pattern compiles here only when matching it never has to choose: wherever a repetition
//! could stop or go on, the next character decides, because no character that can continue
//! the repetition can also start what follows it. The runtime then matches greedily, one
//! pass, and decides exactly what `regex-lite` decides (a differential test holds it to
//! that). Everything else (alternation, look-around, flags, ambiguous repetitions) stays on
//! the engine.
//!
//! The semantics are `regex-lite`'s, the engine a compiled pattern replaces: `\d`, `\s`, `\w`
//! and the POSIX classes are ASCII; `.` is any character but `\n`; `^` and `$` are the ends
//! of the value; characters (not bytes) are counted.

use regex_syntax::ast::{
    self, AssertionKind, Ast, ClassAsciiKind, ClassPerlKind, ClassSet, ClassSetItem, GroupKind,
    RepetitionKind, RepetitionRange,
};

/// A pattern as steps matched left to right, each decided by the next character.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Matcher {
    /// `^`: the match starts at the start of the value; otherwise anywhere.
    pub anchored_start: bool,
    /// `$`: the match ends at the end of the value; otherwise anything may follow.
    pub anchored_end: bool,
    pub nodes: Vec<Node>,
}

/// One step of a [`Matcher`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Node {
    /// A character of `set`, `min` to `max` times (`None`: no limit).
    Chars {
        set: CharSet,
        min: u32,
        max: Option<u32>,
    },
    /// The steps of a group, `min` to `max` times. `first` holds the characters that can start
    /// the group, which decide whether another round begins.
    Group {
        nodes: Vec<Node>,
        first: CharSet,
        min: u32,
        max: Option<u32>,
    },
}

/// A set of characters as sorted, disjoint, non-adjacent inclusive ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CharSet {
    pub ranges: Vec<(char, char)>,
}

impl CharSet {
    fn from_ranges(mut ranges: Vec<(char, char)>) -> Self {
        ranges.sort_unstable();
        let mut merged: Vec<(char, char)> = Vec::with_capacity(ranges.len());
        for (start, end) in ranges {
            match merged.last_mut() {
                Some(last) if u32::from(start) <= u32::from(last.1).saturating_add(1) => {
                    last.1 = last.1.max(end);
                }
                _ => merged.push((start, end)),
            }
        }
        Self { ranges: merged }
    }

    fn single(c: char) -> Self {
        Self {
            ranges: vec![(c, c)],
        }
    }

    fn union(&self, other: &Self) -> Self {
        Self::from_ranges(self.ranges.iter().chain(&other.ranges).copied().collect())
    }

    fn everything() -> Self {
        Self {
            ranges: vec![('\0', char::MAX)],
        }
    }

    /// Every character not in the set (surrogates are no characters, so they never appear).
    fn complement(&self) -> Self {
        let mut ranges = Vec::new();
        let mut next = Some('\0');
        for &(start, end) in &self.ranges {
            if let Some(from) = next.filter(|&from| from < start) {
                ranges.push((from, before(start)));
            }
            next = after(end);
        }
        if let Some(from) = next {
            ranges.push((from, char::MAX));
        }
        Self { ranges }
    }

    fn intersects(&self, other: &Self) -> bool {
        self.ranges.iter().any(|&(start, end)| {
            other
                .ranges
                .iter()
                .any(|&(other_start, other_end)| start <= other_end && other_start <= end)
        })
    }

    /// The one character of a single-character set.
    pub fn as_single(&self) -> Option<char> {
        match self.ranges.as_slice() {
            [(start, end)] if start == end => Some(*start),
            _ => None,
        }
    }
}

/// The character before `c` (`c` is never `\0` here), skipping the surrogate gap.
fn before(c: char) -> char {
    char::from_u32(u32::from(c) - 1).unwrap_or('\u{D7FF}')
}

/// The character after `c`, skipping the surrogate gap; `None` after the last one.
fn after(c: char) -> Option<char> {
    match c {
        char::MAX => None,
        '\u{D7FF}' => Some('\u{E000}'),
        _ => char::from_u32(u32::from(c) + 1),
    }
}

impl Node {
    fn min_count(&self) -> u32 {
        match self {
            Node::Chars { min, .. } | Node::Group { min, .. } => *min,
        }
    }

    fn max_count(&self) -> Option<u32> {
        match self {
            Node::Chars { max, .. } | Node::Group { max, .. } => *max,
        }
    }

    fn varies(&self) -> bool {
        self.max_count() != Some(self.min_count())
    }

    fn first(&self) -> &CharSet {
        match self {
            Node::Chars { set, .. } => set,
            Node::Group { first, .. } => first,
        }
    }

    fn nullable(&self) -> bool {
        self.min_count() == 0
            || match self {
                Node::Chars { .. } => false,
                Node::Group { nodes, .. } => nullable(nodes),
            }
    }
}

fn nullable(nodes: &[Node]) -> bool {
    nodes.iter().all(Node::nullable)
}

/// The characters that can start a match of `nodes`.
fn first(nodes: &[Node]) -> CharSet {
    let mut set = CharSet::default();
    for node in nodes {
        set = set.union(node.first());
        if !node.nullable() {
            break;
        }
    }
    set
}

/// Compiles `source` when it is simple enough to match without choices (see the module docs);
/// `None` leaves it to a regular-expression engine.
pub fn compile(source: &str) -> Option<Matcher> {
    let ast = ast::parse::Parser::new().parse(source).ok()?;
    let mut items: Vec<&Ast> = match &ast {
        Ast::Concat(concat) => concat.asts.iter().collect(),
        other => vec![other],
    };
    let anchored_start = items.first().is_some_and(|item| is_anchor(item, true));
    if anchored_start {
        items.remove(0);
    }
    let anchored_end = items.last().is_some_and(|item| is_anchor(item, false));
    if anchored_end {
        items.pop();
    }
    let mut nodes = Vec::new();
    for item in items {
        nodes.extend(lower(item)?);
    }
    if !anchored_end {
        // Unanchored at the end, a match may stop anywhere: a trailing repetition that
        // matches `min` times matches a prefix of any longer match, so `min` decides.
        while let Some(last) = nodes.last_mut() {
            let min = last.min_count();
            match last {
                Node::Chars { max, .. } | Node::Group { max, .. } => *max = Some(min),
            }
            if min > 0 {
                break;
            }
            nodes.pop();
        }
    }
    // The end of the value follows a `$`-anchored pattern; without `$`, anything may.
    let follow = if anchored_end {
        CharSet::default()
    } else {
        CharSet::everything()
    };
    if !deterministic(&nodes, &follow) {
        return None;
    }
    // Unanchored at the start, the runtime tries every start: only bounded steps keep that
    // linear in the value's length.
    if !anchored_start && !bounded(&nodes) {
        return None;
    }
    Some(Matcher {
        anchored_start,
        anchored_end,
        nodes,
    })
}

/// `^` (`start`) or `$`: without the multi-line flag, the value's ends.
fn is_anchor(ast: &Ast, start: bool) -> bool {
    match ast {
        Ast::Assertion(assertion) => matches!(
            (&assertion.kind, start),
            (AssertionKind::StartLine | AssertionKind::StartText, true)
                | (AssertionKind::EndLine | AssertionKind::EndText, false)
        ),
        _ => false,
    }
}

/// The steps of one piece of the pattern; `None` for anything outside the simple subset.
fn lower(ast: &Ast) -> Option<Vec<Node>> {
    let once = |set: CharSet| {
        Some(vec![Node::Chars {
            set,
            min: 1,
            max: Some(1),
        }])
    };
    match ast {
        Ast::Empty(_) => Some(Vec::new()),
        Ast::Literal(literal) => once(CharSet::single(literal.c)),
        Ast::Dot(_) => once(CharSet::single('\n').complement()),
        Ast::ClassPerl(class) => once(perl_class(class)),
        Ast::ClassBracketed(class) => once(bracketed_class(class)?),
        Ast::Group(group) => {
            let plain = match &group.kind {
                GroupKind::CaptureIndex(_) | GroupKind::CaptureName { .. } => true,
                GroupKind::NonCapturing(flags) => flags.items.is_empty(),
            };
            plain.then(|| lower(&group.ast)).flatten()
        }
        Ast::Concat(concat) => {
            let mut nodes = Vec::new();
            for item in &concat.asts {
                nodes.extend(lower(item)?);
            }
            Some(nodes)
        }
        Ast::Repetition(repetition) => {
            let (min, max) = match &repetition.op.kind {
                RepetitionKind::ZeroOrOne => (0, Some(1)),
                RepetitionKind::ZeroOrMore => (0, None),
                RepetitionKind::OneOrMore => (1, None),
                RepetitionKind::Range(RepetitionRange::Exactly(n)) => (*n, Some(*n)),
                RepetitionKind::Range(RepetitionRange::AtLeast(n)) => (*n, None),
                RepetitionKind::Range(RepetitionRange::Bounded(min, max)) => (*min, Some(*max)),
            };
            if max.is_some_and(|max| max < min) {
                return None;
            }
            let inner = lower(&repetition.ast)?;
            Some(vec![match inner.as_slice() {
                [
                    Node::Chars {
                        set,
                        min: 1,
                        max: Some(1),
                    },
                ] => Node::Chars {
                    set: set.clone(),
                    min,
                    max,
                },
                _ => Node::Group {
                    first: first(&inner),
                    nodes: inner,
                    min,
                    max,
                },
            }])
        }
        // Alternation, anchors inside the pattern, flags, `\b`, `\p{..}`.
        _ => None,
    }
}

/// Whether every step is decided by the next character: a repetition that may go on never
/// shares a character with what may follow it (`follow`), and never repeats an empty match.
fn deterministic(nodes: &[Node], follow: &CharSet) -> bool {
    let mut after = follow.clone();
    for node in nodes.iter().rev() {
        if node.varies() && (node.first().intersects(&after) || repeats_empty(node)) {
            return false;
        }
        if let Node::Group { nodes: inner, .. } = node {
            // Each round of the group is followed by the next round or by what follows it.
            let inner_follow = if node.max_count() == Some(1) {
                after.clone()
            } else {
                after.union(node.first())
            };
            if !deterministic(inner, &inner_follow) {
                return false;
            }
        }
        after = if node.nullable() {
            after.union(node.first())
        } else {
            node.first().clone()
        };
    }
    true
}

/// A group that can match nothing, repeated a varying number of times.
fn repeats_empty(node: &Node) -> bool {
    matches!(node, Node::Group { nodes, .. } if nullable(nodes))
}

fn bounded(nodes: &[Node]) -> bool {
    nodes.iter().all(|node| {
        node.max_count().is_some()
            && match node {
                Node::Chars { .. } => true,
                Node::Group { nodes, .. } => bounded(nodes),
            }
    })
}

fn ascii(ranges: &[(char, char)]) -> CharSet {
    CharSet::from_ranges(ranges.to_vec())
}

fn perl_class(class: &ast::ClassPerl) -> CharSet {
    let set = match class.kind {
        ClassPerlKind::Digit => ascii(&[('0', '9')]),
        ClassPerlKind::Space => ascii(&[('\t', '\r'), (' ', ' ')]),
        ClassPerlKind::Word => ascii(&[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')]),
    };
    if class.negated { set.complement() } else { set }
}

fn posix_class(class: &ast::ClassAscii) -> CharSet {
    let set = match class.kind {
        ClassAsciiKind::Alnum => ascii(&[('0', '9'), ('A', 'Z'), ('a', 'z')]),
        ClassAsciiKind::Alpha => ascii(&[('A', 'Z'), ('a', 'z')]),
        ClassAsciiKind::Ascii => ascii(&[('\0', '\x7F')]),
        ClassAsciiKind::Blank => ascii(&[('\t', '\t'), (' ', ' ')]),
        ClassAsciiKind::Cntrl => ascii(&[('\0', '\x1F'), ('\x7F', '\x7F')]),
        ClassAsciiKind::Digit => ascii(&[('0', '9')]),
        ClassAsciiKind::Graph => ascii(&[('!', '~')]),
        ClassAsciiKind::Lower => ascii(&[('a', 'z')]),
        ClassAsciiKind::Print => ascii(&[(' ', '~')]),
        ClassAsciiKind::Punct => ascii(&[('!', '/'), (':', '@'), ('[', '`'), ('{', '~')]),
        ClassAsciiKind::Space => ascii(&[('\t', '\r'), (' ', ' ')]),
        ClassAsciiKind::Upper => ascii(&[('A', 'Z')]),
        ClassAsciiKind::Word => ascii(&[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')]),
        ClassAsciiKind::Xdigit => ascii(&[('0', '9'), ('A', 'F'), ('a', 'f')]),
    };
    if class.negated { set.complement() } else { set }
}

fn bracketed_class(class: &ast::ClassBracketed) -> Option<CharSet> {
    let set = match &class.kind {
        ClassSet::Item(item) => class_item(item)?,
        // `&&`, `--`, `~~`: regex-lite has none of them.
        ClassSet::BinaryOp(_) => return None,
    };
    Some(if class.negated { set.complement() } else { set })
}

fn class_item(item: &ClassSetItem) -> Option<CharSet> {
    Some(match item {
        ClassSetItem::Empty(_) => CharSet::default(),
        ClassSetItem::Literal(literal) => CharSet::single(literal.c),
        ClassSetItem::Range(range) => CharSet::from_ranges(vec![(range.start.c, range.end.c)]),
        ClassSetItem::Ascii(class) => posix_class(class),
        ClassSetItem::Perl(class) => perl_class(class),
        ClassSetItem::Bracketed(class) => bracketed_class(class)?,
        ClassSetItem::Union(union) => {
            let mut set = CharSet::default();
            for item in &union.items {
                set = set.union(&class_item(item)?);
            }
            set
        }
        ClassSetItem::Unicode(_) => return None,
    })
}

/// A step as the runtime holds it (`runtime::Step`): runs of single characters merged into
/// literals, sets split into an ASCII bitmap and other ranges, no limit as `u32::MAX`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeStep {
    Literal(String),
    Chars {
        set: RuntimeSet,
        min: u32,
        max: u32,
    },
    Group {
        steps: Vec<RuntimeStep>,
        first: RuntimeSet,
        min: u32,
        max: u32,
    },
}

/// A [`CharSet`] as the runtime holds it (`runtime::CharSet`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeSet {
    /// Bit `n` for the ASCII character `n`.
    pub ascii: u128,
    pub other: Vec<(char, char)>,
}

impl Matcher {
    pub fn runtime_steps(&self) -> Vec<RuntimeStep> {
        runtime_steps(&self.nodes)
    }
}

fn runtime_steps(nodes: &[Node]) -> Vec<RuntimeStep> {
    let mut steps = Vec::new();
    for node in nodes {
        let single = match node {
            Node::Chars {
                set,
                min: 1,
                max: Some(1),
            } => set.as_single(),
            _ => None,
        };
        if let Some(c) = single {
            if let Some(RuntimeStep::Literal(text)) = steps.last_mut() {
                text.push(c);
            } else {
                steps.push(RuntimeStep::Literal(c.to_string()));
            }
            continue;
        }
        let max = node.max_count().unwrap_or(u32::MAX);
        steps.push(match node {
            Node::Chars { set, min, .. } => RuntimeStep::Chars {
                set: set.runtime(),
                min: *min,
                max,
            },
            Node::Group {
                nodes, first, min, ..
            } => RuntimeStep::Group {
                steps: runtime_steps(nodes),
                first: first.runtime(),
                min: *min,
                max,
            },
        });
    }
    steps
}

impl CharSet {
    fn runtime(&self) -> RuntimeSet {
        let mut ascii = 0u128;
        let mut other = Vec::new();
        for &(start, end) in &self.ranges {
            for c in start..=end.min('\x7F') {
                ascii |= 1 << u32::from(c);
            }
            if end > '\x7F' {
                other.push((start.max('\u{80}'), end));
            }
        }
        RuntimeSet { ascii, other }
    }
}

#[cfg(test)]
mod tests;
