; id: invariant
; severity: low
; message: // INVARIANT: a type invariant is established here
; question: Does the code right here establish every invariant the type documents?
((line_comment) @finding
 (#match? @finding "INVARIANT:"))
