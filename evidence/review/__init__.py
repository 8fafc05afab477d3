"""Review cycles, the pure part: the saved search, its date window, PRISMA counts and their diagram.

Nothing here touches the store or the network: `evidence.services.review` gathers the policy's
text, dates and decisions, and these modules turn them into a query, a window and counts.
"""
