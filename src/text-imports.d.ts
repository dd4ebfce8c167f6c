// Files imported `with { type: 'text' }` (admin page assets, demo data) are strings.
declare module '*.html' { const text: string; export default text; }
declare module '*.js' { const text: string; export default text; }
declare module '*.tsv' { const text: string; export default text; }
declare module '*.css' { const text: string; export default text; }
