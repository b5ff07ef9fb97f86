"""Keep the fields of the package's caches out of the general index.

autodoc gives every documented object an index entry. For the caches, which are
``NamedTuple``s, that means one entry per field, "a (RNNCache attribute)", "a_next
(GRUCache attribute)" and so on: about a quarter of the index, crowding out the ideas
and functions a reader looks for. The fields stay documented on the API page, under
their cache, which is in the index; only their own entries are dropped, by a transform
that runs before Sphinx's index domain collects the page's entries.
"""

from sphinx import addnodes
from sphinx.transforms import SphinxTransform


def is_field_entry(entry):
    """An index entry that autodoc made for an attribute of a class."""
    return entry[1].endswith(" attribute)")


class DropFieldEntries(SphinxTransform):
    # Before SphinxDomains (850), which hands the page's index entries to the index.
    default_priority = 840

    def apply(self, **kwargs):
        for node in self.document.findall(addnodes.index):
            node["entries"] = [entry for entry in node["entries"]
                               if not is_field_entry(entry)]


def setup(app):
    app.add_transform(DropFieldEntries)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
