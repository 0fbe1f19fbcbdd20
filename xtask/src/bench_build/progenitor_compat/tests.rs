use super::*;

/// One shape for each rule, in the style of MongoDB's spec (written for this test).
const SPEC: &str = r##"
openapi: 3.0.1
info: {title: shapes, version: "1.0"}
paths:
  /things:
    post:
      operationId: createThing
      requestBody:
        content:
          application/vnd.example.2024-01-01+json:
            schema: {$ref: "#/components/schemas/Thing"}
      responses:
        200:
          description: OK
          content:
            application/vnd.example.2023-01-01+json:
              schema: {$ref: "#/components/schemas/Thing"}
            application/vnd.example.2024-01-01+json:
              schema: {type: string}
        "204":
          description: No Content
          content:
            application/vnd.example.2023-01-01+json: {}
        "400": {$ref: "#/components/responses/badRequest"}
        "401": {description: Unauthorized.}
        "404": {$ref: "#/components/responses/badRequest"}
components:
  responses:
    badRequest:
      description: Bad Request.
      content:
        application/json:
          schema: {$ref: "#/components/schemas/ApiError"}
  schemas:
    ApiError:
      type: object
      properties:
        comparison: {type: string, enum: ["<", ">"]}
        roles:
          type: array
          enum: [OWNER, READER]
          items: {type: string}
        state: {type: string, enum: [IDLE, BUSY]}
    Thing:
      type: object
      properties:
        kind: {type: string}
      oneOf:
        - {$ref: "#/components/schemas/BigThing"}
      discriminator:
        propertyName: kind
    BigThing:
      allOf:
        - {$ref: "#/components/schemas/Thing"}
        - type: object
          properties:
            size: {type: integer}
    Endpoint:
      type: object
      properties:
        serviceName: {type: string, pattern: "^svc-[0-9]+|pls_[0-9a-f]{4}$"}
        id: {type: string, pattern: "^[0-9a-f]{24}$"}
      oneOf:
        - {$ref: "#/components/schemas/AwsEndpoint"}
    AwsEndpoint:
      type: object
      properties:
        serviceName: {type: string, pattern: "^svc-[0-9]+"}
        id: {type: string, pattern: "^[0-9a-f]{24}$"}
"##;

fn rewritten() -> (Value, Edits) {
    let (text, edits) = rewrite(SPEC).unwrap();
    (serde_yaml::from_str(&text).unwrap(), edits)
}

fn at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |value, key| {
        value
            .as_mapping()?
            .iter()
            .find(|(candidate, _)| key_text(candidate) == *key)
            .map(|(_, child)| child)
    })
}

#[test]
fn every_rule_applies_once_to_its_shape() {
    let (_, edits) = rewritten();
    let expected: Edits = [
        (MEDIA_TYPE, 3),
        (NO_SCHEMA, 1),
        (RESPONSE_TYPE, 2),
        (ENUM_SHAPE, 1),
        (ENUM_NAMES, 1),
        (SUBTYPE_CYCLE, 1),
        (PATTERN_CLASH, 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(edits, expected);
    assert!(describe(&edits).contains("versioned media types renamed to application/json: 3"));
}

#[test]
fn versioned_media_types_become_json_and_the_first_version_stays() {
    let (spec, _) = rewritten();
    let body = at(
        &spec,
        &["paths", "/things", "post", "requestBody", "content"],
    )
    .unwrap();
    assert!(
        at(body, &["application/json", "schema"]).is_some(),
        "{body:?}"
    );
    let ok = at(
        &spec,
        &["paths", "/things", "post", "responses", "200", "content"],
    )
    .unwrap();
    assert_eq!(ok.as_mapping().unwrap().len(), 1);
    let reference = at(ok, &["application/json", "schema", "$ref"]).unwrap();
    assert_eq!(reference.as_str(), Some("#/components/schemas/Thing"));
}

#[test]
fn each_response_group_keeps_its_most_common_type() {
    let (spec, _) = rewritten();
    let responses = at(&spec, &["paths", "/things", "post", "responses"]).unwrap();
    let statuses: Vec<String> = responses
        .as_mapping()
        .unwrap()
        .keys()
        .map(key_text)
        .collect();
    // 204 had no body beside 200's model; 401 had none beside two ApiErrors.
    assert_eq!(statuses, ["200", "400", "404"]);
}

#[test]
fn enums_progenitor_cannot_name_go_and_the_others_stay() {
    let (spec, _) = rewritten();
    let properties = at(&spec, &["components", "schemas", "ApiError", "properties"]).unwrap();
    assert!(at(properties, &["comparison", "enum"]).is_none());
    assert!(at(properties, &["comparison", "type"]).is_some());
    assert!(at(properties, &["roles", "enum"]).is_none());
    assert!(at(properties, &["state", "enum"]).is_some());
}

#[test]
fn a_subtype_copies_its_parent_instead_of_referring_to_it() {
    let (spec, _) = rewritten();
    let parts = at(&spec, &["components", "schemas", "BigThing", "allOf"])
        .and_then(Value::as_sequence)
        .unwrap();
    assert!(at(&parts[0], &["$ref"]).is_none());
    assert!(at(&parts[0], &["properties", "kind"]).is_some());
    assert!(at(&parts[0], &["oneOf"]).is_none());
    assert!(at(&parts[0], &["discriminator"]).is_none());
    // The parent itself keeps its subtypes.
    assert!(at(&spec, &["components", "schemas", "Thing", "oneOf"]).is_some());
}

#[test]
fn an_outer_pattern_a_member_contradicts_goes_and_agreeing_ones_stay() {
    let (spec, _) = rewritten();
    let outer = at(&spec, &["components", "schemas", "Endpoint", "properties"]).unwrap();
    assert!(at(outer, &["serviceName", "pattern"]).is_none());
    assert!(at(outer, &["serviceName", "type"]).is_some());
    assert!(at(outer, &["id", "pattern"]).is_some());
    let member = at(
        &spec,
        &["components", "schemas", "AwsEndpoint", "properties"],
    )
    .unwrap();
    assert!(at(member, &["serviceName", "pattern"]).is_some());
}

#[test]
fn a_spec_progenitor_accepts_is_left_alone() {
    let spec = "openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths: {}\n";
    let (_, edits) = rewrite(spec).unwrap();
    assert!(edits.is_empty());
    assert_eq!(describe(&edits), "nothing to change");
}

#[test]
fn an_unparsable_spec_is_an_error() {
    let error = rewrite("openapi: [").unwrap_err();
    assert!(error.contains("cannot parse the spec"), "{error}");
}
