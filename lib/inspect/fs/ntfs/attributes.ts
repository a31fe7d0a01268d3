/** Attribute type codes ($AttrDef). */
export const ATTR = {
  standardInformation: 0x10,
  attributeList: 0x20,
  fileName: 0x30,
  volumeName: 0x60,
  volumeInformation: 0x70,
  data: 0x80,
  indexRoot: 0x90,
  indexAllocation: 0xa0,
  bitmap: 0xb0,
  reparsePoint: 0xc0,
  end: 0xffffffff,
} as const;

/** Attribute header flags. */
export const ATTR_FLAG = { compressed: 0x0001, encrypted: 0x4000, sparse: 0x8000 } as const;

/** One run of clusters: `length` clusters from virtual cluster `vcn`, at logical cluster `lcn` (null for a hole). */
export interface Run {
  vcn: number;
  lcn: number | null;
  length: number;
}

interface AttributeBase {
  type: number;
  /** The stream or index name ("" for the unnamed $DATA, "$I30" for a directory index). */
  name: string;
  flags: number;
  id: number;
}

export interface ResidentAttribute extends AttributeBase {
  resident: true;
  value: Uint8Array;
}

export interface NonResidentAttribute extends AttributeBase {
  resident: false;
  startVcn: number;
  lastVcn: number;
  runs: Run[];
  /** log2 of the clusters per compression unit; 0 when not compressed. */
  compressionUnit: number;
  allocatedSize: number;
  dataSize: number;
  initializedSize: number;
}

export type Attribute = ResidentAttribute | NonResidentAttribute;

/** Whether an attribute is the one named (names compare exactly, as NTFS stores them). */
export const isAttribute = (attribute: Attribute, type: number, name = ""): boolean => attribute.type === type && attribute.name === name;
