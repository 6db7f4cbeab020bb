//! `self-heal demo`: the loop on an embedded failing sample in a temp dir.
