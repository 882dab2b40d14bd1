; id: send-sync
; severity: high
; message: unsafe impl of Send or Sync: the type is declared safe to move or share across threads
; question: Can every field (raw pointers, C objects, lock guards, per-CPU or per-thread state) really be sent to or used from another thread? Would a guard made Send be released on a thread that did not take the lock?
((impl_item "unsafe" trait: (_) @t) @finding
 (#match? @t "(^|::)(Send|Sync)$"))
