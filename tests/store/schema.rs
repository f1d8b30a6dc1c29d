//! The two migration directories build the same schema: after `migrate`, SQLite and PostgreSQL have the
//! same tables, columns (with their NOT NULL), primary keys, unique constraints, foreign keys, the number
//! of check constraints per table, indexes (with uniqueness) and triggers (table, timing and event), read
//! from each database's own catalog. A migration
//! written for one dialect and forgotten (or written differently) in the other fails here.

use std::collections::BTreeSet;

use abusedesk::store::Store;
use sqlx::{Connection, PgConnection, SqliteConnection};

use crate::postgres::TestPostgres;

/// One line per schema fact, e.g. `column report.source_ip not null`.
type Facts = BTreeSet<String>;

/// A PostgreSQL constraint: table, kind, name, its columns, and for a foreign key the referenced table and
/// columns.
type ConstraintRow = (String, String, String, Vec<String>, Option<String>, Vec<String>);

/// The migration ledger is sqlx's own, and differs by design.
const LEDGER: &str = "_sqlx_migrations";

async fn sqlite_facts(url: &str) -> Facts {
    let mut c = SqliteConnection::connect(url).await.unwrap();
    let mut facts = Facts::new();
    let tables: Vec<(String, String)> = sqlx::query_as(
        "select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> $1",
    )
    .bind(LEDGER)
    .fetch_all(&mut c)
    .await
    .unwrap();
    for (table, sql) in &tables {
        facts.insert(format!("table {table}"));
        let columns: Vec<(String, i64, i64)> =
            sqlx::query_as("select name, \"notnull\", pk from pragma_table_info($1)").bind(table).fetch_all(&mut c).await.unwrap();
        let mut pk: Vec<(i64, String)> = Vec::new();
        for (name, not_null, in_pk) in columns {
            // SQLite lets a primary-key column hold NULL unless it says otherwise; PostgreSQL never does.
            let not_null = not_null == 1 || in_pk > 0;
            facts.insert(format!("column {table}.{name}{}", if not_null { " not null" } else { "" }));
            if in_pk > 0 {
                pk.push((in_pk, name));
            }
        }
        pk.sort();
        let pk: Vec<String> = pk.into_iter().map(|(_, n)| n).collect();
        facts.insert(format!("primary key {table}({})", pk.join(", ")));
        let indexes: Vec<(String, i64, String)> = sqlx::query_as("select name, \"unique\", origin from pragma_index_list($1)")
            .bind(table)
            .fetch_all(&mut c)
            .await
            .unwrap();
        for (index, unique, origin) in indexes {
            let columns: Vec<(Option<String>,)> =
                sqlx::query_as("select name from pragma_index_info($1) order by seqno").bind(&index).fetch_all(&mut c).await.unwrap();
            let columns: Vec<String> = columns.into_iter().map(|(n,)| n.unwrap_or_else(|| "(expression)".into())).collect();
            match origin.as_str() {
                "u" => facts.insert(format!("unique {table}({})", columns.join(", "))),
                "c" => facts.insert(format!("index {index} on {table}{}", if unique == 1 { " unique" } else { "" })),
                _ => false,
            };
        }
        let keys: Vec<(String, String, String)> =
            sqlx::query_as("select \"from\", \"table\", \"to\" from pragma_foreign_key_list($1)").bind(table).fetch_all(&mut c).await.unwrap();
        for (from, to_table, to) in keys {
            facts.insert(format!("foreign key {table}.{from} -> {to_table}.{to}"));
        }
        facts.insert(format!("checks on {table}: {}", check_count(sql)));
    }
    // SQLite needs one trigger per event where PostgreSQL has one for `update or delete`: compare what
    // fires on which table and event, not the names.
    let triggers: Vec<(String, String)> =
        sqlx::query_as("select tbl_name, sql from sqlite_master where type = 'trigger'").fetch_all(&mut c).await.unwrap();
    for (table, sql) in triggers {
        let (timing, event) = trigger_shape(&sql).unwrap_or_default();
        facts.insert(format!("trigger on {table}: {timing} {event}"));
    }
    c.close().await.unwrap();
    facts
}

/// How many check constraints a table's SQL holds (SQLite keeps them only in the text), named or not.
fn check_count(sql: &str) -> usize {
    sql.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|w| w.eq_ignore_ascii_case("check")).count()
}

/// `(timing, event)` of a trigger's SQL, e.g. `("before", "delete")`.
fn trigger_shape(sql: &str) -> Option<(String, String)> {
    let words: Vec<String> =
        sql.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).map(str::to_ascii_lowercase).collect();
    let at = words.iter().position(|w| w == "before" || w == "after" || w == "instead")?;
    let event = words[at..].iter().find(|w| ["insert", "update", "delete"].contains(&w.as_str()))?;
    Some((words[at].clone(), event.clone()))
}

async fn postgres_facts(url: &str) -> Facts {
    let mut c = PgConnection::connect(url).await.unwrap();
    let mut facts = Facts::new();
    let columns: Vec<(String, String, String)> = sqlx::query_as(
        "select c.table_name::text, c.column_name::text, c.is_nullable::text from information_schema.columns c \
         join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name \
         where c.table_schema = 'public' and t.table_type = 'BASE TABLE' and c.table_name <> $1",
    )
    .bind(LEDGER)
    .fetch_all(&mut c)
    .await
    .unwrap();
    let mut checks: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for (table, column, nullable) in columns {
        checks.entry(table.clone()).or_default();
        facts.insert(format!("table {table}"));
        facts.insert(format!("column {table}.{column}{}", if nullable == "NO" { " not null" } else { "" }));
    }
    // Keys and checks, with their columns in key order.
    let constraints: Vec<ConstraintRow> = sqlx::query_as(
        "select k.conrelid::regclass::text, k.contype::text, k.conname::text, \
         array(select a.attname::text from unnest(k.conkey) with ordinality u(n, i) \
               join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n order by u.i), \
         case when k.contype = 'f' then k.confrelid::regclass::text end, \
         array(select a.attname::text from unnest(coalesce(k.confkey, '{}')) with ordinality u(n, i) \
               join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n order by u.i) \
         from pg_constraint k where k.connamespace = 'public'::regnamespace and k.conrelid::regclass::text <> $1",
    )
    .bind(LEDGER)
    .fetch_all(&mut c)
    .await
    .unwrap();
    for (table, kind, _name, columns, to_table, to_columns) in constraints {
        match kind.as_str() {
            "p" => facts.insert(format!("primary key {table}({})", columns.join(", "))),
            "u" => facts.insert(format!("unique {table}({})", columns.join(", "))),
            "c" => {
                *checks.entry(table).or_default() += 1;
                true
            }
            "f" => {
                for (from, to) in columns.iter().zip(&to_columns) {
                    facts.insert(format!("foreign key {table}.{from} -> {}.{to}", to_table.clone().unwrap_or_default()));
                }
                true
            }
            _ => false,
        };
    }
    for (table, n) in checks {
        facts.insert(format!("checks on {table}: {n}"));
    }
    let indexes: Vec<(String, String, bool)> = sqlx::query_as(
        "select i.relname::text, t.relname::text, x.indisunique from pg_index x \
         join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid \
         where t.relnamespace = 'public'::regnamespace and t.relname <> $1 \
         and not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid)",
    )
    .bind(LEDGER)
    .fetch_all(&mut c)
    .await
    .unwrap();
    for (index, table, unique) in indexes {
        facts.insert(format!("index {index} on {table}{}", if unique { " unique" } else { "" }));
    }
    let triggers: Vec<(String, String, String)> = sqlx::query_as(
        "select event_object_table::text, lower(action_timing::text), lower(event_manipulation::text) \
         from information_schema.triggers where trigger_schema = 'public'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    for (table, timing, event) in triggers {
        facts.insert(format!("trigger on {table}: {timing} {event}"));
    }
    c.close().await.unwrap();
    facts
}

#[tokio::test]
async fn sqlite_and_postgresql_migrations_build_the_same_schema() {
    let Some(db) = TestPostgres::create("the schema comparison (it needs PostgreSQL)").await else { return };
    let dir = tempfile::tempdir().unwrap();
    let sqlite_url = format!("sqlite://{}/schema.db", dir.path().display());
    for url in [sqlite_url.as_str(), db.url.as_str()] {
        let store = Store::connect(url).await.unwrap();
        store.migrate().await.unwrap();
        store.close().await;
    }
    let sqlite = sqlite_facts(&sqlite_url).await;
    let postgres = postgres_facts(&db.url).await;
    db.drop_database().await;
    assert!(sqlite.iter().any(|f| f.starts_with("trigger ")) && sqlite.len() > 200, "the catalog was read: {sqlite:#?}");
    let only_sqlite: Vec<&String> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<&String> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the schemas differ\nonly on SQLite: {only_sqlite:#?}\nonly on PostgreSQL: {only_postgres:#?}"
    );
}
