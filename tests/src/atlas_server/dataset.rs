//! The snapshots the server knows, and how each one looks on the wire.
//!
//! Snapshots are stored as little more than an id and a sequence number; every other field is
//! derived from the sequence number when a response is built. That keeps large datasets cheap
//! and makes every field deterministic, so two runs of a test see identical bodies.

use super::http_util::link;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The three kinds of snapshot the operations return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SnapshotKind {
    /// Snapshots of an M2/M5 shared-tier cluster (`BackupTenantSnapshot`).
    Tenant,
    /// Snapshots of a serverless instance (`ServerlessBackupSnapshot`).
    Serverless,
    /// Legacy backup snapshots of a cluster (`BackupSnapshot`).
    Legacy,
}

/// In-memory snapshots, per (groupId, clusterName) and per [`SnapshotKind`].
///
/// Every snapshot gets a unique, deterministic 24-hex-digit id from a counter that runs across
/// the whole dataset, in the order the `with_*` calls add them. Lists return snapshots in that
/// order (newest first: each one is dated an hour before the previous one).
///
/// A cluster exists for a kind once a `with_*` call of that kind named it, even with a count
/// of 0 (then its list is empty); otherwise the operation answers 404.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dataset {
    clusters: BTreeMap<(String, String), ClusterData>,
    next_snapshot: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct ClusterData {
    /// The legacy snapshots' `clusterId`.
    cluster_id: String,
    snapshots: BTreeMap<SnapshotKind, Vec<Snapshot>>,
}

/// One stored snapshot: what cannot be derived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Snapshot {
    pub(crate) id: String,
    /// Position among its cluster's snapshots of the same kind; dates and sizes derive from it.
    pub(crate) seq: u64,
    /// The legacy `complete` flag (always true for the other kinds).
    pub(crate) complete: bool,
}

/// The newest snapshot's date, the spec's example date: 2025-05-04T09:42:00Z.
const NEWEST: i64 = 1_746_351_720;
const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;
/// Id prefixes keep snapshot and cluster ids apart and recognisable in logs.
const SNAPSHOT_ID_PREFIX: &str = "5f4007f3";
const CLUSTER_ID_PREFIX: &str = "c1057e40";
const MONGODB_VERSION: &str = "7.0.12";
/// Serverless `frequencyType`s, cycled through so every spec value appears.
const FREQUENCIES: [&str; 4] = ["hourly", "daily", "weekly", "monthly"];

impl Dataset {
    /// An empty dataset: every operation answers 404.
    pub fn new() -> Self {
        Dataset::default()
    }

    /// Adds `count` snapshots of an M2/M5 cluster, all `COMPLETED`.
    ///
    /// # Panics
    ///
    /// If `group` is not 24 lowercase hex digits: no request could reach it.
    pub fn with_tenant_snapshots(self, group: &str, cluster: &str, count: usize) -> Self {
        self.with(SnapshotKind::Tenant, group, cluster, count, true)
    }

    /// Adds `count` snapshots of a serverless instance, all `completed`.
    ///
    /// # Panics
    ///
    /// If `group` is not 24 lowercase hex digits.
    pub fn with_serverless_snapshots(self, group: &str, cluster: &str, count: usize) -> Self {
        self.with(SnapshotKind::Serverless, group, cluster, count, true)
    }

    /// Adds `count` complete legacy snapshots (`"complete": true`).
    ///
    /// # Panics
    ///
    /// If `group` is not 24 lowercase hex digits.
    pub fn with_legacy_snapshots(self, group: &str, cluster: &str, count: usize) -> Self {
        self.with(SnapshotKind::Legacy, group, cluster, count, true)
    }

    /// Adds `count` legacy snapshots still being taken (`"complete": false`), which
    /// `completed=true` (the default) leaves out.
    ///
    /// # Panics
    ///
    /// If `group` is not 24 lowercase hex digits.
    pub fn with_incomplete_legacy_snapshots(
        self,
        group: &str,
        cluster: &str,
        count: usize,
    ) -> Self {
        self.with(SnapshotKind::Legacy, group, cluster, count, false)
    }

    /// The ids of one cluster's snapshots of one kind, in the order lists return them
    /// (incomplete legacy snapshots included). Empty when the cluster does not exist.
    pub fn snapshot_ids(&self, kind: SnapshotKind, group: &str, cluster: &str) -> Vec<String> {
        self.snapshots(kind, group, cluster)
            .map(|snapshots| snapshots.iter().map(|s| s.id.clone()).collect())
            .unwrap_or_default()
    }

    /// Whether any kind of snapshot was added for this group.
    pub(crate) fn has_group(&self, group: &str) -> bool {
        self.clusters.keys().any(|(known, _)| known == group)
    }

    /// One cluster's snapshots of one kind, or `None` if the cluster does not exist for that
    /// kind.
    pub(crate) fn snapshots(
        &self,
        kind: SnapshotKind,
        group: &str,
        cluster: &str,
    ) -> Option<&[Snapshot]> {
        self.clusters
            .get(&(group.to_owned(), cluster.to_owned()))
            .and_then(|data| data.snapshots.get(&kind))
            .map(Vec::as_slice)
    }

    fn with(
        mut self,
        kind: SnapshotKind,
        group: &str,
        cluster: &str,
        count: usize,
        complete: bool,
    ) -> Self {
        assert!(
            group.len() == 24
                && group
                    .bytes()
                    .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
            "groupId {group:?} is not 24 lowercase hex digits, so no request could reach it"
        );
        let cluster_count = self.clusters.len();
        let data = self
            .clusters
            .entry((group.to_owned(), cluster.to_owned()))
            .or_insert_with(|| ClusterData {
                cluster_id: format!("{CLUSTER_ID_PREFIX}{cluster_count:016x}"),
                snapshots: BTreeMap::new(),
            });
        let list = data.snapshots.entry(kind).or_default();
        for _ in 0..count {
            let id = format!("{SNAPSHOT_ID_PREFIX}{:016x}", self.next_snapshot);
            self.next_snapshot += 1;
            let seq = u64::try_from(list.len()).unwrap_or(u64::MAX);
            list.push(Snapshot { id, seq, complete });
        }
        self
    }

    /// The JSON of one snapshot as the operations return it. `base_url` prefixes its links.
    pub(crate) fn render(
        &self,
        kind: SnapshotKind,
        group: &str,
        cluster: &str,
        snapshot: &Snapshot,
        base_url: &str,
    ) -> Value {
        let cluster_id = self
            .clusters
            .get(&(group.to_owned(), cluster.to_owned()))
            .map(|data| data.cluster_id.as_str())
            .unwrap_or_default();
        let seq = i64::try_from(snapshot.seq).unwrap_or(i64::MAX / 2);
        // Snapshots are hourly, newest first; clamp so huge datasets still give valid dates.
        let taken = NEWEST - seq.min(1_000_000) * HOUR;
        let id = &snapshot.id;
        let frequency = FREQUENCIES[usize::try_from(seq % 4).unwrap_or(0)];
        match kind {
            SnapshotKind::Tenant => json!({
                "expiration": date(taken + 7 * DAY),
                "finishTime": date(taken + 300),
                "id": id,
                "links": [link(
                    format!("{base_url}/api/atlas/v1.0/groups/{group}/clusters/{cluster}/backup/tenant/snapshots/{id}"),
                    "self",
                )],
                "mongoDBVersion": MONGODB_VERSION,
                "scheduledTime": date(taken),
                "startTime": date(taken + 60),
                "status": "COMPLETED",
            }),
            SnapshotKind::Serverless => json!({
                "createdAt": date(taken),
                "expiresAt": date(taken + 2 * DAY),
                "frequencyType": frequency,
                "id": id,
                "links": [link(
                    format!("{base_url}/api/atlas/v1.0/groups/{group}/serverless/{cluster}/backup/snapshots/{id}"),
                    "self",
                )],
                "mongodVersion": MONGODB_VERSION,
                "serverlessInstanceName": cluster,
                "snapshotType": if seq % 10 == 9 { "onDemand" } else { "scheduled" },
                "status": "completed",
                "storageSizeBytes": 1_048_576 * (seq + 1),
            }),
            SnapshotKind::Legacy => {
                let created =
                    json!({"date": date(taken), "increment": 1_199_145_600 + seq.min(1_000_000)});
                json!({
                    "clusterId": cluster_id,
                    "complete": snapshot.complete,
                    "created": created,
                    "doNotDelete": false,
                    "expires": date(taken + 30 * DAY),
                    "groupId": group,
                    "id": id,
                    // A full snapshot every fourth one, incrementals in between.
                    "incremental": seq % 4 != 0,
                    "lastOplogAppliedTimestamp": created,
                    "links": [link(
                        format!("{base_url}/api/atlas/v2/groups/{group}/clusters/{cluster}/snapshots/{id}"),
                        "self",
                    )],
                    "parts": [{
                        "clusterId": cluster_id,
                        "compressionSetting": "GZIP",
                        "dataSizeBytes": 2_097_152 * (seq + 1),
                        "encryptionEnabled": false,
                        "fileSizeBytes": 3_145_728 * (seq + 1),
                        "mongodVersion": MONGODB_VERSION,
                        "replicaSetName": format!("{cluster}-shard-0"),
                        "storageSizeBytes": 4_194_304 * (seq + 1),
                        "typeName": "REPLICA_SET",
                    }],
                })
            }
        }
    }
}

/// An RFC 3339 date-time in UTC with a `Z` suffix, as Atlas writes them.
fn date(seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(seconds, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_hex_and_dates_rfc3339() {
        let group = "32b6e34b3d91647abb20e7b8";
        let dataset = Dataset::new()
            .with_tenant_snapshots(group, "a", 3)
            .with_legacy_snapshots(group, "a", 2);
        let mut ids = dataset.snapshot_ids(SnapshotKind::Tenant, group, "a");
        ids.extend(dataset.snapshot_ids(SnapshotKind::Legacy, group, "a"));
        assert_eq!(ids.len(), 5);
        assert!(ids.iter().all(|id| {
            id.len() == 24
                && id
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        }));
        let unique: std::collections::BTreeSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), 5);
        assert_eq!(date(NEWEST), "2025-05-04T09:42:00Z");
    }
}
