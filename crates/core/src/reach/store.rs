//! What the reach rules need from storage (implemented by `openmini-store`).

use crate::identity::StoreError;
use async_trait::async_trait;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateTemplate {
    pub pri_tmpl_id: String,
    pub app_id: i64,
    pub tid: i64,
    /// Keyword ids picked from the public template, in the app's order.
    pub kids: Vec<i64>,
    pub scene_desc: String,
    pub created_at: i64,
}

#[async_trait]
pub trait TemplateStore: Send + Sync + 'static {
    /// Adds the template if the app has fewer than `limit`; false (nothing added) if not.
    async fn add_template(&self, t: &PrivateTemplate, limit: i64) -> Result<bool, StoreError>;
    async fn templates(&self, app_id: i64) -> Result<Vec<PrivateTemplate>, StoreError>;
    async fn template(&self, app_id: i64, pri_tmpl_id: &str) -> Result<Option<PrivateTemplate>, StoreError>;
    /// Deletes the app's template; false if it has none of that id.
    async fn delete_template(&self, app_id: i64, pri_tmpl_id: &str) -> Result<bool, StoreError>;
}
