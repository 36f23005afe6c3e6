//! Checks an app.json and prints the diagnostics (and, with `--expand`, the generated code).
fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: check APP.json [--expand]");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("cannot read {path}: {e}");
        std::process::exit(2);
    });
    let source = appstudio_codegen::Source::new(path.clone(), text);
    let g = appstudio_codegen::generate(&source, &quote::quote!(::appstudio));
    print!("{}", g.render(&source));
    if args.next().as_deref() == Some("--expand") {
        let file: syn::File = syn::parse2(g.to_tokens()).expect("generated code parses");
        println!("{}", prettyplease::unparse(&file));
    }
    std::process::exit(i32::from(g.has_errors()));
}
