//! The container's server side (DESIGN.md rule 9, docs/container.md): deployed packages
//! and their versions, the origins an app may reach through the platform's network
//! proxy, and the analytics events the container reports. Rules only: storage is
//! `openmini-store`, HTTP is `openmini-server`.

pub mod domains;
pub mod events;
pub mod package;
pub mod store;
