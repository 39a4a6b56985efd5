package dev.bpftime.compat.service;

import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.FileView;

/**
 * One descriptor-level reference to an object: the service's end of a socketpair whose other end
 * went to an app. All the app-side copies of that end (dup, fork, SCM_RIGHTS) are one open socket;
 * when the last of them closes, ours reports EPOLLHUP and the reference is dropped, as the kernel
 * drops a file's reference at its last close.
 *
 * @param keptFd our end
 * @param view the file's own state (access mode, per-file slots), or null
 * @param appInode the socket inode of the app's end, which /proc/<pid>/fd/<n> shows as socket:[inode]
 */
public record Handle(int keptFd, long appInode, BpfObject object, FileView view) {

    public Handle(int keptFd, long appInode, BpfObject object) {
        this(keptFd, appInode, object, null);
    }
}
