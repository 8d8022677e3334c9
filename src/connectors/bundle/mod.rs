// PLACEHOLDER: replaced by the module's real implementation.
use crate::core::endpoint::Endpoint;
use crate::error::Result;
pub struct BundleConnector;
impl BundleConnector { pub fn open(_e: &Endpoint) -> Result<Self> { anyhow::bail!("placeholder") } }
#[async_trait::async_trait]
impl super::Connector for BundleConnector { async fn check(&self) -> Result<String> { anyhow::bail!("placeholder") } }
