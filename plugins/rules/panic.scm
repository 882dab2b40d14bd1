; id: panic
; severity: medium
; message: panic!/todo!/unreachable!/unimplemented! outside tests
; question: Is this truly impossible to reach? A reachable panic brings down the kernel.
((macro_invocation macro: (identifier) @m) @finding
 (#any-of? @m "panic" "todo" "unreachable" "unimplemented"))
