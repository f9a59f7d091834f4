//! `TemplateStore` in SQL, one text for both backends.

use crate::{Db, Outcome, Row, Step, R};
use async_trait::async_trait;
use openmini_core::identity::StoreError;
use openmini_core::reach::store::{PrivateTemplate, TemplateStore};

fn template(r: &Row) -> R<PrivateTemplate> {
    let kids = r
        .text(3)?
        .split(',')
        .map(|k| k.parse::<i64>().map_err(|_| StoreError::Unavailable(format!("bad kid list {k}"))))
        .collect::<R<Vec<i64>>>()?;
    Ok(PrivateTemplate {
        pri_tmpl_id: r.text(0)?,
        app_id: r.int(1)?,
        tid: r.int(2)?,
        kids,
        scene_desc: r.text(4)?,
        created_at: r.int(5)?,
    })
}

macro_rules! template_cols {
    () => {
        "pri_tmpl_id, app_id, tid, kids, scene_desc, created_at"
    };
}

#[async_trait]
impl TemplateStore for Db {
    async fn add_template(&self, t: &PrivateTemplate, limit: i64) -> R<bool> {
        let kids = t.kids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let outcome = self
            .script(vec![
                // The counter row is the lock: concurrent adds of one app serialise here.
                Step::new(
                    "INSERT INTO app_counters (app_id, name, n) VALUES ($1, 'templates', 1) \
                     ON CONFLICT (app_id, name) DO UPDATE SET n = app_counters.n + 1 WHERE app_counters.n < $2",
                    vec![t.app_id.into(), limit.into()],
                )
                .or_abort(1),
                Step::new(
                    concat!("INSERT INTO private_templates (", template_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6)"),
                    vec![
                        (&t.pri_tmpl_id).into(),
                        t.app_id.into(),
                        t.tid.into(),
                        kids.into(),
                        (&t.scene_desc).into(),
                        t.created_at.into(),
                    ],
                ),
            ])
            .await?;
        Ok(matches!(outcome, Outcome::Done(_)))
    }

    async fn templates(&self, app_id: i64) -> R<Vec<PrivateTemplate>> {
        self.rows(
            concat!("SELECT ", template_cols!(), " FROM private_templates WHERE app_id = $1 ORDER BY created_at, pri_tmpl_id"),
            vec![app_id.into()],
        )
        .await?
        .iter()
        .map(template)
        .collect()
    }

    async fn template(&self, app_id: i64, pri_tmpl_id: &str) -> R<Option<PrivateTemplate>> {
        self.row(
            concat!("SELECT ", template_cols!(), " FROM private_templates WHERE app_id = $1 AND pri_tmpl_id = $2"),
            vec![app_id.into(), pri_tmpl_id.into()],
        )
        .await?
        .as_ref()
        .map(template)
        .transpose()
    }

    async fn delete_template(&self, app_id: i64, pri_tmpl_id: &str) -> R<bool> {
        let outcome = self
            .script(vec![
                Step::new(
                    "DELETE FROM private_templates WHERE app_id = $1 AND pri_tmpl_id = $2",
                    vec![app_id.into(), pri_tmpl_id.into()],
                )
                .or_abort(1),
                Step::new(
                    "UPDATE app_counters SET n = n - 1 WHERE app_id = $1 AND name = 'templates'",
                    vec![app_id.into()],
                ),
            ])
            .await?;
        Ok(matches!(outcome, Outcome::Done(_)))
    }
}
