"""``tf.DeviceSpec``: a device name's parts (job, replica, task, device type and index), parsed
from and printed to TensorFlow's ``/job:w/replica:0/task:1/device:CPU:0`` form.

smallflow runs every op on the CPU; the class exists because TF1 programs build and compare
device names with it (``tf.device(DeviceSpec(device_type="CPU"))``).
"""


class DeviceSpec:
    """Parts of a device name; unset parts are None (TF1's mutable DeviceSpec)."""

    __slots__ = ("job", "replica", "task", "device_type", "device_index")

    def __init__(self, job=None, replica=None, task=None, device_type=None,
                 device_index=None):
        self.job = job
        self.replica = None if replica is None else int(replica)
        self.task = None if task is None else int(task)
        self.device_type = _canonical_type(device_type)
        self.device_index = None if device_index is None else int(device_index)

    @classmethod
    def from_string(cls, spec):
        """A DeviceSpec from ``/job:<name>/replica:<id>/task:<id>/device:<type>:<id>`` (any
        part may be missing; ``/cpu:0`` and ``/gpu:1`` are accepted too)."""
        return cls().parse_from_string(spec)

    def parse_from_string(self, spec):
        """Set the parts named in ``spec`` (others are reset to None); returns self."""
        self.job = self.replica = self.task = self.device_type = self.device_index = None
        for part in (spec or "").split("/"):
            if not part:
                continue
            pieces = part.split(":")
            key = pieces[0].lower()
            if key == "job" and len(pieces) == 2 and pieces[1]:
                self.job = pieces[1]
            elif key == "replica" and len(pieces) == 2:
                self.replica = _index(pieces[1], part, spec)
            elif key == "task" and len(pieces) == 2:
                self.task = _index(pieces[1], part, spec)
            elif key == "device" and len(pieces) in (2, 3):
                self.device_type = _canonical_type(pieces[1])
                if len(pieces) == 3 and pieces[2] != "*":
                    self.device_index = _index(pieces[2], part, spec)
            elif len(pieces) == 2 and key in ("cpu", "gpu", "tpu"):
                self.device_type = key.upper()
                if pieces[1] != "*":
                    self.device_index = _index(pieces[1], part, spec)
            else:
                raise ValueError(f"Unknown attribute: '{part}' in '{spec}'")
        return self

    def merge_from(self, dev):
        """Take every part ``dev`` sets (a DeviceSpec or a device string)."""
        if isinstance(dev, str):
            dev = DeviceSpec.from_string(dev)
        for name in self.__slots__:
            value = getattr(dev, name)
            if value is not None:
                setattr(self, name, value)

    def make_merged_spec(self, dev):
        """A new DeviceSpec: this one with the parts ``dev`` sets."""
        merged = self.__class__(self.job, self.replica, self.task, self.device_type,
                                self.device_index)
        merged.merge_from(dev)
        return merged

    def replace(self, **kwargs):
        """A new DeviceSpec with the given parts replaced."""
        parts = {name: getattr(self, name) for name in self.__slots__}
        parts.update(kwargs)
        return self.__class__(**parts)

    def to_string(self):
        """``/job:.../replica:.../task:.../device:TYPE:index``, parts that are set only."""
        text = ""
        if self.job is not None:
            text += f"/job:{self.job}"
        if self.replica is not None:
            text += f"/replica:{self.replica}"
        if self.task is not None:
            text += f"/task:{self.task}"
        if self.device_type is not None:
            index = "*" if self.device_index is None else self.device_index
            text += f"/device:{self.device_type}:{index}"
        return text

    def __str__(self):
        return self.to_string()

    def __repr__(self):
        return f"<DeviceSpec {self.to_string()!r}>"

    def __eq__(self, other):
        if isinstance(other, str):
            other = DeviceSpec.from_string(other)
        if not isinstance(other, DeviceSpec):
            return NotImplemented
        return self.to_string() == other.to_string()

    def __hash__(self):
        return hash(self.to_string())


def _canonical_type(device_type):
    if device_type is None:
        return None
    upper = str(device_type).upper()
    # TensorFlow spells the common types in capitals and keeps other names as given.
    return upper if upper in ("CPU", "GPU", "TPU") else str(device_type)


def _index(text, part, spec):
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"Unknown attribute: '{part}' in '{spec}'") from None
