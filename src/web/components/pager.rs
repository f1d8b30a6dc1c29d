//! The one pager under a list: a link to the page before and one to the page after, each only when there is
//! such a page. Lists read newest first say "Newer" and "Older"; the others "Previous" and "Next".

use leptos::prelude::*;

/// Which words the pager's links use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PagerWords {
    /// "← Previous" and "Next →".
    #[default]
    Pages,
    /// "← Newer" and "Older →", for lists newest first.
    Time,
}

/// Links to the neighbouring pages of a list, built by the page (a page number or a cursor in the URL).
#[component]
pub fn Pager(
    previous: Option<String>,
    next: Option<String>,
    #[prop(optional)] words: PagerWords,
) -> impl IntoView {
    let (back, forward) = match words {
        PagerWords::Pages => ("← Previous", "Next →"),
        PagerWords::Time => ("← Newer", "Older →"),
    };
    view! {
        <p class="pager">
            {previous.map(|href| view! { <a href=href>{back}</a> })}
            {next.map(|href| view! { <a href=href>{forward}</a> })}
        </p>
    }
}
