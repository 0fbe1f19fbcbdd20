//! Parameter rules shared across operations: `groupId` has the same rules in hundreds of
//! operations, so the generated crate holds them once (`src/rules.rs`) and each operation
//! names them.

use crate::ir::{Operation, SharedRules};

/// Names every distinct set of rules and points each checked parameter at its set. The first
/// set (in operationId order) of a parameter name gets the name alone, e.g. `GROUP_ID`; a
/// parameter of that name with other rules or in another place gets `GROUP_ID_2`, and so on.
pub(super) fn share_rules(operations: &mut [Operation]) -> Vec<SharedRules> {
    let mut shared: Vec<SharedRules> = Vec::new();
    for parameter in operations
        .iter_mut()
        .flat_map(|operation| &mut operation.parameters)
        .filter(|parameter| parameter.is_checked())
    {
        if let Some(known) = shared
            .iter()
            .find(|known| known.parameter.same_rules(parameter))
        {
            parameter.rules = Some(known.name.clone());
            continue;
        }
        let stem = parameter
            .rust_name
            .trim_start_matches("r#")
            .trim_end_matches('_')
            .to_uppercase();
        let name = (1..)
            .map(|ordinal| match ordinal {
                1 => stem.clone(),
                _ => format!("{stem}_{ordinal}"),
            })
            .find(|name| shared.iter().all(|known| known.name != *name))
            .unwrap_or(stem);
        parameter.rules = Some(name.clone());
        shared.push(SharedRules {
            name,
            parameter: parameter.clone(),
        });
    }
    shared.sort_by(|a, b| a.name.cmp(&b.name));
    shared
}
