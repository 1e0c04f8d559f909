//! Which file systems the local file store refuses: those another machine can mount too.
//!
//! The file store shares the quota through an OS file lock and the machine's clock. On a
//! network file system (NFS, SMB/CIFS, a FUSE mount such as sshfs or s3fs, AFS, Ceph…) another
//! machine can open the same files, but the lock is not one both machines see (a FUSE file
//! system's `flock` is local to each kernel; NFS locks depend on a lock daemon that is often
//! absent) and the two clocks differ, so the budget and the pace would both be overrun
//! silently. The store refuses such a directory and names the Redis store, which is made for
//! sharing between machines.
//!
//! The type comes from `statfs(2)`'s `f_type` magic on Linux (through `rustix`, already in the
//! tree for `fs4`'s locks: a safe call, no `unsafe` here). Every FUSE mount has the same magic
//! (`fuse` and `fuseblk`, whose subtype the kernel does not report there), so a local FUSE file
//! system (ntfs-3g, a FUSE overlay) is refused as well: a quota store has no reason to live on
//! one, and a false refusal costs a `local:DIR` on a local disk while a false acceptance costs
//! a silently shared budget. Other systems are not checked.

use std::path::Path;

/// A file system's type, as `statfs(2)` reports it (`f_type`, low 32 bits).
pub(crate) type Magic = u32;

/// The network file systems refused, by magic (`linux/magic.h` and the file systems' own
/// sources).
const NETWORK: [(Magic, &str); 13] = [
    (0x6969, "NFS"),
    (0x517B, "SMB"),
    (0xFF53_4D42, "CIFS"),
    (0xFE53_4D42, "SMB2"),
    (
        0x6573_5546,
        "FUSE (sshfs, s3fs, rclone… or a local FUSE file system)",
    ),
    (0x5346_414F, "AFS"),
    (0x6B41_4653, "AFS (kAFS)"),
    (0x0102_1997, "9P (v9fs)"),
    (0x00C3_6400, "Ceph"),
    (0x0116_1970, "GFS2"),
    (0x7461_636F, "OCFS2"),
    (0x0BD0_0BD0, "Lustre"),
    (0x7375_7245, "Coda"),
];

/// The name of the network file system `magic` stands for, if it is one.
pub(crate) fn network_name(magic: Magic) -> Option<&'static str> {
    NETWORK
        .iter()
        .find(|(m, _)| *m == magic)
        .map(|(_, name)| *name)
}

/// Reads a directory's file-system type; a seam, so that tests can fake one.
pub(crate) type Probe = fn(&Path) -> std::io::Result<Option<Magic>>;

/// The type of the file system holding `dir` (`None` where it is not checked).
pub(crate) fn probe(dir: &Path) -> std::io::Result<Option<Magic>> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        // The magic numbers fit 32 bits; `f_type` is signed on some targets.
        Ok(Some(rustix::fs::statfs(dir)?.f_type as Magic))
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = dir;
        Ok(None)
    }
}

/// Why `dir` cannot hold the file store, if it cannot.
pub(crate) fn refusal(dir: &Path, probe: Probe) -> Option<String> {
    // A type that cannot be read (a permission error) is no reason to refuse: the store's
    // own reads and writes report what is wrong.
    let magic = probe(dir).ok().flatten()?;
    let name = network_name(magic)?;
    Some(format!(
        "the local quota store cannot be kept in {}: it is on a network file system ({name}, \
         type {magic:#x}), where its file lock does not hold between machines and their clocks \
         differ; share the quota through Redis instead (--quota-store redis://HOST:PORT in \
         gong-privacy, QuotaStore::redis in the library), or keep the local store on a local \
         disk (local:DIR)",
        dir.display()
    ))
}

#[cfg(test)]
mod tests;
