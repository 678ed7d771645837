"""dx-jinzai-cli: one module per command group, the parser and runner in main."""
