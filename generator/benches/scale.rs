//! How generation scales: synthetic Atlas-like specs of 10, 100, 500 and 1,000 operations
//! (about 1.6 schemas per operation: 500 operations come with 800 schemas), each generated in
//! a child process so that its peak memory is its own.
//!
//! `cargo bench -p atlas-codegen --bench scale` prints, per size: the median generation time,
//! time per operation and its ratio to the 10-operation run (1.0 means linear), and peak
//! resident memory above an empty-spec baseline measured in the same run. With
//! `SCALE_CARGO_CHECK=1` it also times `cargo check` of the 500-operation crate. With
//! `SCALE_SPEC=PATH` it also generates that spec (MongoDB's whole Atlas spec, say) the same
//! way and prints its median time and peak memory, absolute and above the baseline.

use atlas_codegen::{Options, SpecSource};
use serde_json::{Value, json};
use std::process::Command;
use std::time::{Duration, Instant};

const SIZES: [usize; 4] = [10, 100, 500, 1000];

/// A spec with `operations` operations in the shape of the Atlas Admin API: paged lists and
/// gets with constrained path and query parameters, POSTs with bodies, nested objects, enums,
/// arrays, `allOf` extensions and shared error responses.
fn synthetic_spec(operations: usize) -> String {
    let mut paths = serde_json::Map::new();
    let mut schemas = serde_json::Map::new();
    schemas.insert("ApiError".into(), json!({
        "type": "object", "required": ["error", "errorCode"],
        "properties": {"error": {"type": "integer", "format": "int32"}, "errorCode": {"type": "string"}, "detail": {"type": "string"}}
    }));
    schemas.insert("Link".into(), json!({"type": "object", "properties": {"href": {"type": "string"}, "rel": {"type": "string"}}}));
    let mut schema_count = 2;
    for index in 0..operations {
        let resource = format!("Resource{index}");
        let kind = index % 3;
        // Two schemas per resource, plus a page view for every list: 1.6 per operation on average.
        schemas.insert(
            format!("{resource}Base"),
            json!({
                "type": "object", "description": format!("Common fields of resource {index}."),
                "properties": {
                    "id": {"type": "string", "pattern": "^([a-f0-9]{24})$", "readOnly": true},
                    "created": {"type": "string", "format": "date-time"},
                    "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}}
                }
            }),
        );
        schemas.insert(resource.clone(), json!({
            "allOf": [{"$ref": format!("#/components/schemas/{resource}Base")}, {
                "type": "object", "required": ["name"],
                "properties": {
                    "name": {"type": "string", "maxLength": 64},
                    "state": {"type": "string", "enum": ["IDLE", "CREATING", "UPDATING", "DELETING"]},
                    "sizeBytes": {"type": "integer", "format": "int64"},
                    "settings": {"type": "object", "properties": {
                        "mode": {"type": "string", "enum": ["fast", "safe"]},
                        "ratio": {"type": "number", "format": "double"},
                        "tags": {"type": "object", "additionalProperties": {"type": "string"}}
                    }}
                }
            }]
        }));
        schema_count += 2;
        let item_path = format!("/api/atlas/v2/groups/{{groupId}}/resources{index}/{{name}}");
        let list_path = format!("/api/atlas/v2/groups/{{groupId}}/resources{index}");
        let errors = json!({
            "400": {"$ref": "#/components/responses/badRequest"},
            "404": {"$ref": "#/components/responses/notFound"}
        });
        let media = "application/vnd.atlas.2024-08-05+json";
        let (path, method, operation) = match kind {
            0 => {
                schemas.insert(format!("Paginated{resource}View"), json!({
                    "type": "object", "properties": {
                        "results": {"type": "array", "items": {"$ref": format!("#/components/schemas/{resource}")}},
                        "totalCount": {"type": "integer", "format": "int32"}
                    }
                }));
                schema_count += 1;
                (
                    list_path,
                    "get",
                    json!({
                        "operationId": format!("listResources{index}"),
                        "parameters": [
                            {"$ref": "#/components/parameters/groupId"},
                            {"$ref": "#/components/parameters/itemsPerPage"},
                            {"$ref": "#/components/parameters/pageNum"}
                        ],
                        "responses": merge(json!({"200": {"description": "OK", "content": {media: {"schema": {"$ref": format!("#/components/schemas/Paginated{resource}View")}}}}}), &errors)
                    }),
                )
            }
            1 => (
                item_path,
                "get",
                json!({
                    "operationId": format!("getResource{index}"),
                    "parameters": [
                        {"$ref": "#/components/parameters/groupId"},
                        {"name": "name", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[a-zA-Z0-9][a-zA-Z0-9-]*$"}}
                    ],
                    "responses": merge(json!({"200": {"description": "OK", "content": {media: {"schema": {"$ref": format!("#/components/schemas/{resource}")}}}}}), &errors)
                }),
            ),
            _ => (
                list_path,
                "post",
                json!({
                    "operationId": format!("createResource{index}"),
                    "parameters": [{"$ref": "#/components/parameters/groupId"}],
                    "requestBody": {"required": true, "content": {media: {"schema": {"$ref": format!("#/components/schemas/{resource}")}}}},
                    "responses": merge(json!({"201": {"description": "Created", "content": {media: {"schema": {"$ref": format!("#/components/schemas/{resource}")}}}}}), &errors)
                }),
            ),
        };
        let item = paths.entry(path).or_insert_with(|| json!({}));
        item[method] = operation;
    }
    let _ = schema_count;
    let error = |description: &str| json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}});
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Synthetic Atlas", "version": "2.0"},
        "servers": [{"url": "https://cloud.mongodb.com"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "parameters": {
                "groupId": {"name": "groupId", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^([a-f0-9]{24})$"}},
                "itemsPerPage": {"name": "itemsPerPage", "in": "query", "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 500, "default": 100}},
                "pageNum": {"name": "pageNum", "in": "query", "schema": {"type": "integer", "format": "int32", "minimum": 1, "default": 1}}
            },
            "responses": {"badRequest": error("Bad Request."), "notFound": error("Not Found.")}
        }
    })
    .to_string()
}

fn merge(mut a: Value, b: &Value) -> Value {
    if let (Some(a), Some(b)) = (a.as_object_mut(), b.as_object()) {
        for (key, value) in b {
            a.insert(key.clone(), value.clone());
        }
    }
    a
}

fn schema_count(spec: &str) -> usize {
    serde_json::from_str::<Value>(spec)
        .ok()
        .and_then(|v| v["components"]["schemas"].as_object().map(|s| s.len()))
        .unwrap_or(0)
}

/// Peak resident memory of this process so far (Linux `VmHWM`), in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The child: generate one size `runs` times; print the median time and the peak memory.
fn child(operations: usize) {
    let spec = if operations == 0 {
        synthetic_spec(0)
    } else {
        synthetic_spec(operations)
    };
    let options = Options::for_spec("synthetic.json");
    let runs = if operations >= 500 { 5 } else { 15 };
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let generation = atlas_codegen::generate(
                SpecSource {
                    name: "synthetic.json",
                    text: &spec,
                },
                &options,
            )
            .unwrap_or_else(|errors| panic!("{errors}"));
            let elapsed = started.elapsed();
            assert!(generation.files.len() > operations);
            elapsed
        })
        .collect();
    times.sort();
    println!(
        "{} {} {}",
        times[times.len() / 2].as_nanos(),
        peak_rss_kib().unwrap_or(0),
        schema_count(&spec)
    );
}

fn measure(operations: usize) -> (Duration, u64, usize) {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--child", &operations.to_string()])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let fields: Vec<u64> = text
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    (
        Duration::from_nanos(fields[0]),
        fields[1],
        fields[2] as usize,
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(position) = args.iter().position(|arg| arg == "--child") {
        child(args[position + 1].parse().unwrap());
        return;
    }
    if let Some(position) = args.iter().position(|arg| arg == "--child-spec") {
        child_spec(&args[position + 1]);
        return;
    }
    if args.iter().any(|arg| arg == "--list") {
        return; // `cargo bench -- --list`: nothing to list.
    }
    let (_, baseline_kib, _) = measure(0);
    println!(
        "generation scale (median of several runs per size; peak RSS above the empty-spec baseline of {baseline_kib} KiB)"
    );
    println!(
        "{:>10} {:>8} {:>12} {:>12} {:>14} {:>14}",
        "operations", "schemas", "time", "per op", "per op vs 10", "peak RSS"
    );
    let mut per_op_at_10 = None;
    for size in SIZES {
        let (time, peak_kib, schemas) = measure(size);
        let per_op = time / size as u32;
        let reference = *per_op_at_10.get_or_insert(per_op);
        println!(
            "{size:>10} {schemas:>8} {:>12} {:>12} {:>13.2}x {:>11} KiB",
            format!("{:.2?}", time),
            format!("{:.1?}", per_op),
            per_op.as_secs_f64() / reference.as_secs_f64(),
            peak_kib.saturating_sub(baseline_kib)
        );
    }
    if let Ok(path) = std::env::var("SCALE_SPEC") {
        let output = Command::new(std::env::current_exe().unwrap())
            .args(["--child-spec", &path])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let fields: Vec<u64> = String::from_utf8_lossy(&output.stdout)
            .split_whitespace()
            .filter_map(|field| field.parse().ok())
            .collect();
        println!(
            "{path}: {} files in {:.2?} (median of 5), peak memory {} MiB ({} MiB above the baseline)",
            fields[2],
            Duration::from_nanos(fields[0]),
            fields[1] / 1024,
            fields[1].saturating_sub(baseline_kib) / 1024
        );
    }
    if std::env::var("SCALE_CARGO_CHECK").is_ok_and(|value| value == "1") {
        cargo_check_500();
    }
}

/// The child for `SCALE_SPEC`: generate the spec five times; print the median time, the peak
/// memory and how many files it wrote.
fn child_spec(path: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let options = Options::for_spec(path);
    let mut files = 0;
    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let started = Instant::now();
            let generation = atlas_codegen::generate(
                SpecSource {
                    name: path,
                    text: &text,
                },
                &options,
            )
            .unwrap_or_else(|errors| panic!("{errors}"));
            files = generation.files.len();
            started.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "{} {} {files}",
        times[times.len() / 2].as_nanos(),
        peak_rss_kib().unwrap_or(0)
    );
}

/// Writes the 500-operation crate (with the runtime) to a temporary folder and times
/// `cargo check` of it, dependencies already built excluded by a warm-up run.
fn cargo_check_500() {
    let dir = std::env::temp_dir().join("atlas-codegen-scale-500");
    let _ = std::fs::remove_dir_all(&dir);
    let spec = synthetic_spec(500);
    let mut generation = atlas_codegen::generate(
        SpecSource {
            name: "synthetic.json",
            text: &spec,
        },
        &Options::for_spec("synthetic-500.json"),
    )
    .unwrap();
    generation
        .files
        .extend(atlas_codegen::runtime_files().into_iter().map(|file| {
            atlas_codegen::GeneratedFile {
                path: format!("{}/{}", atlas_codegen::DEFAULT_RUNTIME_PATH, file.path),
                contents: file.contents,
            }
        }));
    for file in &generation.files {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &file.contents).unwrap();
    }
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap() + "\n[workspace]\n";
    std::fs::write(&manifest, text).unwrap();
    let workspace_lock = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    std::fs::copy(workspace_lock, dir.join("Cargo.lock")).unwrap();
    let check = || {
        let started = Instant::now();
        let status = Command::new(env!("CARGO"))
            .args(["check", "--quiet"])
            .current_dir(&dir)
            .status()
            .unwrap();
        assert!(status.success());
        started.elapsed()
    };
    let cold = check();
    std::fs::write(
        dir.join("src/lib.rs"),
        std::fs::read_to_string(dir.join("src/lib.rs")).unwrap() + "\n",
    )
    .unwrap();
    let crate_only = check();
    println!(
        "cargo check of the 500-operation crate: {cold:.1?} with dependencies, {crate_only:.1?} for the crate alone"
    );
}
