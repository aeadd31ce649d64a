// What a requested bot is declared to need, by template: the project permissions (Jira's keys)
// it will hold in the requesting project. Both the project page's request form and the handler
// that records the request read this list, so the form offers exactly what the handler accepts.
export const NEED_TEMPLATES = {
  'read-only': { label: 'Read only (browse issues)', permissions: ['BROWSE_PROJECTS'] },
  commenter: { label: 'Comment on issues', permissions: ['BROWSE_PROJECTS', 'ADD_COMMENTS'] },
  // A typical integration's list: browse, create, comment, edit, transition, attach.
  integration: {
    label: 'Integration (create, edit, comment, transition, attach)',
    permissions: ['BROWSE_PROJECTS', 'CREATE_ISSUES', 'EDIT_ISSUES', 'ADD_COMMENTS', 'TRANSITION_ISSUES', 'CREATE_ATTACHMENTS'],
  },
  automation: {
    label: 'Automation (integration, plus assign, link and resolve)',
    permissions: ['BROWSE_PROJECTS', 'CREATE_ISSUES', 'EDIT_ISSUES', 'ADD_COMMENTS', 'TRANSITION_ISSUES', 'CREATE_ATTACHMENTS', 'ASSIGN_ISSUES', 'LINK_ISSUES', 'RESOLVE_ISSUES'],
  },
};
