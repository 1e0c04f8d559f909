use super::*;

#[test]
fn network_file_systems_are_named_local_ones_are_not() {
    for (magic, name) in [
        (0x6969, "NFS"),
        (0xFF53_4D42, "CIFS"),
        (0xFE53_4D42, "SMB2"),
        (0x6573_5546, "FUSE"),
    ] {
        assert!(network_name(magic).unwrap().starts_with(name), "{magic:#x}");
    }
    // ext4, XFS, Btrfs, tmpfs, overlayfs (containers), ZFS.
    for local in [
        0xEF53,
        0x5846_5342,
        0x9123_683E,
        0x0102_1994,
        0x794C_7630,
        0x2FC1_2FC1,
    ] {
        assert_eq!(network_name(local), None, "{local:#x}");
    }
}

#[test]
fn the_directory_of_these_tests_is_local_and_its_type_is_read() {
    let dir = std::env::temp_dir();
    assert!(refusal(&dir, probe).is_none());
    #[cfg(target_os = "linux")]
    assert!(probe(&dir).unwrap().is_some());
}

#[test]
fn a_faked_nfs_mount_is_refused_naming_redis() {
    let nfs: Probe = |_| Ok(Some(0x6969));
    let why = refusal(Path::new("/home/jane/.local/state/gong-api-ext/quota"), nfs).unwrap();
    assert!(
        why.contains("network file system (NFS, type 0x6969)"),
        "{why}"
    );
    assert!(why.contains("--quota-store redis://HOST:PORT"), "{why}");
    let unreadable: Probe = |_| Err(std::io::Error::other("EACCES"));
    assert!(refusal(Path::new("/x"), unreadable).is_none());
}
