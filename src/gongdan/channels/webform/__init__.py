"""Public web forms that a company embeds in its website: submissions become tickets."""
