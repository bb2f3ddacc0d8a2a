//! Moat's infrastructure-as-code readers. Each format is read with spans on
//! every value and lowered into one [`Inventory`] that checks read without
//! knowing the format (design.md, "Inventory").

pub mod cdk;
pub mod cloudformation;
pub mod inventory;
pub mod node_util;
pub mod scan;
pub mod terraform;
pub mod value;
pub mod variants;

pub use inventory::Inventory;
pub use value::Value;
