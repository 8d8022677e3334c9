// PLACEHOLDER (being written): replaced by the connector's real implementation.
use crate::core::endpoint::Endpoint;
use crate::error::{Error, Result};
pub struct ScimConnector;
impl ScimConnector {
    pub fn open(e: &Endpoint) -> Result<Self> {
        Err(Error::usage(format!("{}: this endpoint kind is being written", e.label)).into())
    }
}
#[async_trait::async_trait]
impl super::Connector for ScimConnector {
    async fn check(&self) -> Result<String> {
        Ok(String::new())
    }
}
