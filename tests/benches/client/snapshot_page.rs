//! A page of 500 legacy snapshots of our own making, and a hand-written mirror of the
//! generated model to decode it with: what a careful user would derive for the same shape.
//!
//! The page holds what Atlas sends and a client must survive: fields the model does not know
//! (on the page, on snapshots, on parts, nested and scalar) and enum values it does not know.

// The benchmark decodes into the mirror and reads nothing back, as it does with the model.
#![allow(dead_code)]

use atlas_snapshots::chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

/// The page as JSON bytes: 500 snapshots, three parts each.
pub fn page_of_500() -> Vec<u8> {
    let results: Vec<Value> = (0..500).map(snapshot).collect();
    let page = json!({
        "links": [{"href": "https://cloud.mongodb.com/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/Cluster0/snapshots?pageNum=1&itemsPerPage=500", "rel": "self"}],
        "results": results,
        "totalCount": 500,
        "nextCursor": {"token": "b2Zmc2V0PTUwMA==", "expires": "2025-06-01T00:00:00Z"},
    });
    serde_json::to_vec(&page).expect("a JSON value serializes")
}

fn snapshot(index: usize) -> Value {
    let day = index % 28 + 1;
    json!({
        "clusterId": format!("{:024x}", 0x6000 + index),
        "clusterName": "Cluster0",
        "complete": index % 7 != 0,
        "created": {"date": format!("2025-03-{day:02}T04:{:02}:11Z", index % 60), "increment": index},
        "doNotDelete": false,
        "expires": format!("2025-04-{day:02}T04:{:02}:11.382Z", index % 60),
        "groupId": "32b6e34b3d91647abb20e7b8",
        "id": format!("{index:024x}"),
        "incremental": index % 2 == 0,
        "lastOplogAppliedTimestamp": {"date": format!("2025-03-{day:02}T04:00:00+02:00"), "increment": 1},
        "links": [{"href": format!("https://cloud.mongodb.com/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/Cluster0/snapshots/{index:024x}"), "rel": "self"}],
        "parts": (0..3).map(|part| snapshot_part(index, part)).collect::<Vec<_>>(),
        // Unknown to the model: a scalar, an object and an array.
        "policyItems": [{"id": format!("{:024x}", index * 3), "frequencyType": "daily", "retentionValue": 7}],
        "storageTier": {"name": "STANDARD", "migratedAt": null},
        "replicaSetCount": 3,
    })
}

fn snapshot_part(index: usize, part: usize) -> Value {
    json!({
        "clusterId": format!("{:024x}", 0x6000 + index),
        "completedTime": format!("2025-03-{:02}T05:{part:02}:00Z", index % 28 + 1),
        // One part in seven has a compression Atlas added after the spec was written.
        "compressionSetting": if (index + part) % 7 == 0 { "ZSTD" } else { "GZIP" },
        "dataSizeBytes": 1_073_741_824_u64 + index as u64,
        "encryptionEnabled": true,
        "fcv": "7.0",
        "fileSizeBytes": 536_870_912_u64 + part as u64,
        "machineId": format!("atlas-{index}-shard-00-0{part}.mongodb.net:27017"),
        "masterKeyUUID": "72659f08-8b3c-4913-bb4e-a8a68e036502",
        "mongodVersion": "7.0.12",
        "replicaSetName": format!("atlas-abc-shard-{part}"),
        "replicaState": "PRIMARY",
        "storageSizeBytes": 268_435_456_u64,
        // Likewise an unknown type name, and a field the model does not have.
        "typeName": if part == 2 { "SEARCH_NODE_SET" } else { "REPLICA_SET" },
        "diskIops": 3000,
    })
}

#[derive(Debug, Deserialize)]
pub struct SnapshotPage {
    pub links: Option<Vec<Link>>,
    pub results: Option<Vec<Snapshot>>,
    #[serde(rename = "totalCount")]
    pub total_count: Option<i32>,
}

#[derive(Debug, Deserialize)]
pub struct Link {
    pub href: Option<String>,
    pub rel: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Snapshot {
    #[serde(rename = "clusterId")]
    pub cluster_id: Option<String>,
    #[serde(rename = "clusterName")]
    pub cluster_name: Option<String>,
    pub complete: Option<bool>,
    pub created: Option<BsonTimestamp>,
    #[serde(rename = "doNotDelete")]
    pub do_not_delete: Option<bool>,
    pub expires: Option<DateTime<Utc>>,
    #[serde(rename = "groupId")]
    pub group_id: Option<String>,
    pub id: Option<String>,
    pub incremental: Option<bool>,
    #[serde(rename = "lastOplogAppliedTimestamp")]
    pub last_oplog_applied_timestamp: Option<BsonTimestamp>,
    pub links: Option<Vec<Link>>,
    pub parts: Option<Vec<SnapshotPart>>,
}

#[derive(Debug, Deserialize)]
pub struct BsonTimestamp {
    pub date: Option<DateTime<Utc>>,
    pub increment: Option<i32>,
}

#[derive(Debug, Deserialize)]
pub struct SnapshotPart {
    #[serde(rename = "clusterId")]
    pub cluster_id: Option<String>,
    #[serde(rename = "completedTime")]
    pub completed_time: Option<DateTime<Utc>>,
    #[serde(rename = "compressionSetting")]
    pub compression_setting: Option<Compression>,
    #[serde(rename = "dataSizeBytes")]
    pub data_size_bytes: Option<i64>,
    #[serde(rename = "encryptionEnabled")]
    pub encryption_enabled: Option<bool>,
    pub fcv: Option<String>,
    #[serde(rename = "fileSizeBytes")]
    pub file_size_bytes: Option<i64>,
    #[serde(rename = "machineId")]
    pub machine_id: Option<String>,
    #[serde(rename = "masterKeyUUID")]
    pub master_key_uuid: Option<String>,
    #[serde(rename = "mongodVersion")]
    pub mongod_version: Option<String>,
    #[serde(rename = "replicaSetName")]
    pub replica_set_name: Option<String>,
    #[serde(rename = "replicaState")]
    pub replica_state: Option<String>,
    #[serde(rename = "storageSizeBytes")]
    pub storage_size_bytes: Option<i64>,
    #[serde(rename = "typeName")]
    pub type_name: Option<PartType>,
}

/// Unknown values land on `Other`, which (unlike the generated `Unknown(String)`) forgets them.
#[derive(Debug, Deserialize)]
pub enum Compression {
    #[serde(rename = "NONE")]
    None,
    #[serde(rename = "GZIP")]
    Gzip,
    #[serde(other)]
    Other,
}

#[derive(Debug, Deserialize)]
pub enum PartType {
    #[serde(rename = "REPLICA_SET")]
    ReplicaSet,
    #[serde(rename = "CONFIG_SERVER")]
    ConfigServer,
    #[serde(rename = "CONFIG_SERVER_REPLICA_SET")]
    ConfigServerReplicaSet,
    #[serde(rename = "CONFIG_SHARD_REPLICA_SET")]
    ConfigShardReplicaSet,
    #[serde(other)]
    Other,
}
