git cherry-pick hotfix~1 >/dev/null
