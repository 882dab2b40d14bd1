; id: unsafe-fn
; severity: high
; message: unsafe fn added or changed
; question: Does the `# Safety` section state every condition a caller must uphold, and does the body rely on nothing more?
((function_item (function_modifiers) @mods) @finding
 (#match? @mods "unsafe"))
